/**
 * The edge-registry CrossGuard policies. This module only builds the policy objects (no `PolicyPack`, which
 * starts a gRPC server): `index.ts` packs them, tests call `validateResource`/`validateStack` directly. The rule
 * logic lives in `rules/*` as pure functions; the wrappers here select resource types, read config and report.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as extension from "./rules/extension";
import { HelmValuesConfig, helmValuesProblems } from "./rules/helmValues";
import { HELM_RELEASE_TYPES, isGenericPodBearingType } from "./rules/podTemplates";
import * as pullSecrets from "./rules/pullSecrets";
import * as registry from "./rules/registry";
import {
  DEFAULT_ALLOWED_HOST_PATHS,
  DEFAULT_ALLOWED_READ_ONLY_HOST_PATHS,
  NODE_TRUST_HOST_PATHS,
  NODE_TRUST_READ_ONLY_HOST_PATHS,
} from "./rules/hostPaths";
import { persistentVolumeProblems } from "./rules/hostChecks";
import { persistentVolumeType, podBearingType } from "./rules/kinds";
import { Finding, Props, StackResource, rawProps } from "./rules/values";
import { WorkloadCheck, WorkloadPolicyConfig, runWorkloadCheck, workloadsOf } from "./rules/workload";
import { WORKLOAD_CHECKS } from "./rules/workloadChecks";

export type { WorkloadPolicyConfig } from "./rules/workload";

/** Config of `k8s-private-registry-pull-secret`. */
export interface PullSecretPolicyConfig {
  /** Registry hosts (`host` or `host:port`) that are private besides IP addresses and `*.azurecr.io`. Default none. */
  privateRegistryHosts?: string[];
}

const stringList = (defaults: string[] = []) => ({ type: "array", items: { type: "string" }, default: defaults });

/** The JSON schema of each workload config key, with its default (what the CLI applies). */
const workloadConfigProperties: Record<keyof WorkloadPolicyConfig, object | undefined> = {
  allowUnpinnedImages: stringList(),
  allowedRegistries: stringList(),
  allowedHostPaths: stringList(DEFAULT_ALLOWED_HOST_PATHS),
  allowedReadOnlyHostPaths: stringList(DEFAULT_ALLOWED_READ_ONLY_HOST_PATHS),
  allowedCapabilities: stringList(),
  allowRootHostPathWriters: { type: "boolean", default: false },
  nodeTrustInstaller: { type: "boolean", default: true },
  nodeTrustHostPaths: stringList(NODE_TRUST_HOST_PATHS),
  nodeTrustReadOnlyHostPaths: stringList(NODE_TRUST_READ_ONLY_HOST_PATHS),
  exemptions: {
    type: "array",
    default: [],
    items: {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string" },
        namespace: { type: "string" },
        kind: { type: "string" },
        reason: { type: "string" },
      },
    },
  },
  providerNamespace: undefined,
};

/** The policy's config with the schema defaults applied (the CLI applies them too; tests may pass none). */
function configOf<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
  return { ...defaults, ...args.getConfig<T>() };
}

/** A resource policy over the types `applies` accepts, reporting every message `problems` returns. */
function resourcePolicy(spec: {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  types: string[] | ((type: string) => boolean);
  configSchema?: PolicyConfigSchema;
  problems: (props: Props, args: ResourceValidationArgs) => (string | undefined)[];
}): ResourceValidationPolicy {
  const applies =
    typeof spec.types === "function" ? spec.types : (type: string) => (spec.types as string[]).includes(type);
  return {
    name: spec.name,
    description: spec.description,
    enforcementLevel: spec.enforcementLevel,
    configSchema: spec.configSchema,
    validateResource: (args, reportViolation) => {
      if (!applies(args.type)) {
        return;
      }
      for (const message of spec.problems(rawProps(args.props), args)) {
        if (message !== undefined) {
          reportViolation(message);
        }
      }
    },
  };
}

/** A stack policy reporting every finding against its resource. */
function stackPolicy(spec: {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  findings: (resources: StackResource[], args: StackValidationArgs) => Finding[];
}): StackValidationPolicy {
  return {
    name: spec.name,
    description: spec.description,
    enforcementLevel: spec.enforcementLevel,
    configSchema: spec.configSchema,
    validateStack: (args, reportViolation) => {
      const resources = args.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: rawProps(r.props),
      }));
      for (const finding of spec.findings(resources, args)) {
        reportViolation(finding.message, finding.urn);
      }
    },
  };
}

/** The resource policy for one workload check (the host-path one also covers PersistentVolumes). */
function workloadPolicy(check: WorkloadCheck): ResourceValidationPolicy {
  const hostPaths = check.name === "k8s-host-path-allow-list";
  const keys: (keyof WorkloadPolicyConfig)[] = ["exemptions", ...(check.configKeys ?? [])];
  const properties = Object.fromEntries(keys.map((key) => [key, workloadConfigProperties[key]]));
  const defaults = Object.fromEntries(
    keys.map((key) => [key, (workloadConfigProperties[key] as { default?: unknown }).default]),
  );
  return resourcePolicy({
    name: check.name,
    description: `${check.description} Exemptions only from the pack's configuration (exemptions).`,
    enforcementLevel: check.mandatory ? "mandatory" : "advisory",
    types: (type) =>
      podBearingType(type) !== undefined ||
      isGenericPodBearingType(type) ||
      (hostPaths && persistentVolumeType(type) !== undefined),
    configSchema: { properties } as PolicyConfigSchema,
    problems: (props, args) => {
      const providerNamespace = args.provider?.props?.namespace;
      const config: WorkloadPolicyConfig = {
        ...configOf<WorkloadPolicyConfig>(args, defaults as WorkloadPolicyConfig),
        providerNamespace: typeof providerNamespace === "string" ? providerNamespace : undefined,
      };
      return [
        ...workloadsOf(args.type, props).flatMap((workload) => runWorkloadCheck(check, workload, config)),
        ...(hostPaths ? persistentVolumeProblems(args.type, props, config) : []),
      ];
    },
  });
}

/** Every policy of the pack. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  resourcePolicy({
    name: "acr-admin-user-disabled",
    description: "Container registries have the admin user disabled (CKV_AZURE_137, Azure Policy dc921057).",
    enforcementLevel: "mandatory",
    types: registry.isRegistryType,
    problems: (props) => [registry.adminUserProblem(props)],
  }),
  resourcePolicy({
    name: "acr-anonymous-pull-disabled",
    description: "Container registries have anonymous pull disabled (CKV_AZURE_138).",
    enforcementLevel: "mandatory",
    types: registry.isRegistryType,
    problems: (props) => [registry.anonymousPullProblem(props)],
  }),
  stackPolicy({
    name: "acr-data-endpoint-for-connected-registries",
    description:
      "A registry that connected registries in the stack sync from has its dedicated data endpoint enabled (CKV_AZURE_237).",
    enforcementLevel: "mandatory",
    findings: (resources) => registry.dataEndpointFindings(resources),
  }),
  resourcePolicy({
    name: "acr-retention-policy-enabled",
    description:
      "Container registries enable the retention policy for untagged manifests (CKV_AZURE_167). Advisory: Premium only, and hygiene rather than exposure.",
    enforcementLevel: "advisory",
    types: registry.isRegistryType,
    problems: (props) => [registry.retentionProblem(props)],
  }),
  resourcePolicy({
    name: "acr-arm-audience-token-disabled",
    description: "Container registries disable ARM-audience token authentication (Azure Policy 42781ec6).",
    enforcementLevel: "advisory",
    types: registry.isRegistryType,
    problems: (props) => [registry.armAudienceProblem(props)],
  }),
  resourcePolicy({
    name: "acr-data-endpoint-enabled",
    description:
      "Container registries serve layers from a dedicated data endpoint (CKV_AZURE_237). Advisory: mandatory only for registries connected registries sync from (acr-data-endpoint-for-connected-registries).",
    enforcementLevel: "advisory",
    types: registry.isRegistryType,
    problems: (props) => [registry.dataEndpointProblem(props)],
  }),
  resourcePolicy({
    name: "acr-public-network-restricted",
    description:
      "Premium container registries deny public traffic by default: network rules with default action Deny, or public network access disabled (Azure Policy d0793b48, PSRule Azure.ACR.Firewall). Advisory: edge sites sync over the internet unless private connectivity exists.",
    enforcementLevel: "advisory",
    types: registry.isRegistryType,
    problems: (props) => [registry.publicNetworkProblem(props)],
  }),
  stackPolicy({
    name: "acr-audit-logs",
    description:
      "Every container registry in the stack has a diagnostic setting with ContainerRegistryLoginEvents and ContainerRegistryRepositoryEvents (PSRule Azure.ACR.AuditLogs). Advisory: the destination belongs to the landing zone.",
    enforcementLevel: "advisory",
    findings: (resources) => registry.auditLogFindings(resources),
  }),
  resourcePolicy({
    name: "connected-registry-read-only",
    description:
      "Connected registries use ReadOnly mode, the Arc extension's secure default (platform-facts §1); ReadWrite lets an edge push.",
    enforcementLevel: "advisory",
    types: registry.isConnectedRegistryType,
    problems: (props) => [registry.readWriteConnectedRegistryProblem(props)],
  }),
  resourcePolicy({
    name: "extension-no-secrets-in-plain-settings",
    description:
      "Extensions keep connectionString and tls.* (tls.crt, tls.key, tls.cacrt, tls.secret) out of the plain configurationSettings, which ARM stores in clear (platform-facts §3, §5 secrets).",
    enforcementLevel: "mandatory",
    types: [extension.EXTENSION_TYPE],
    problems: (props) => [extension.plainSecretSettingsProblem(props)],
  }),
  resourcePolicy({
    name: "extension-no-http-mode",
    description:
      "The connected registry extension serves HTTPS: no httpsEnabled=false / httpEnabled=true setting (platform-facts §8: HTTP is for early development only). Mandatory: plain HTTP exposes images and client token credentials on the network; lower it to advisory in development stacks.",
    enforcementLevel: "mandatory",
    types: [extension.EXTENSION_TYPE],
    problems: (props) => [extension.httpModeProblem(props)],
  }),
  stackPolicy({
    name: "extension-node-trust-when-distribution-off",
    description: `A connected registry extension with trustDistribution.enabled=false comes with node trust in the stack: a DaemonSet labelled ${extension.NODE_TRUST_LABEL.key}=${extension.NODE_TRUST_LABEL.value} (NodeRegistryTrust) or a Tanzu TkgServiceConfiguration (platform-facts §3, §4).`,
    enforcementLevel: "advisory",
    findings: (resources) => extension.trustDistributionFindings(resources),
  }),
  ...WORKLOAD_CHECKS.map(workloadPolicy),
  resourcePolicy({
    name: "k8s-helm-release-values",
    description:
      "A helm.sh/v3:Release (rendered by the provider, unseen by the pack) sets nothing in its values that reaches the node: privileged, host namespaces, privilege escalation, HostProcess, runAsUser 0, runAsNonRoot false, seccomp Unconfined, added capabilities beyond allowedCapabilities, host paths outside allowedHostPaths, node or network volume types (PSS baseline and restricted, CKV_K8S_16-20, CKV_K8S_23, CKV_K8S_27, CKV_K8S_31). Pod specs in the values are judged by every k8s-* policy; use helm.sh/v4:Chart to have every rendered object judged.",
    enforcementLevel: "mandatory",
    types: HELM_RELEASE_TYPES,
    configSchema: {
      properties: {
        allowedHostPaths: workloadConfigProperties.allowedHostPaths,
        allowedReadOnlyHostPaths: workloadConfigProperties.allowedReadOnlyHostPaths,
        allowedCapabilities: workloadConfigProperties.allowedCapabilities,
      },
    } as PolicyConfigSchema,
    problems: (props, args) =>
      helmValuesProblems(
        props.values,
        configOf<HelmValuesConfig>(args, {
          allowedHostPaths: DEFAULT_ALLOWED_HOST_PATHS,
          allowedReadOnlyHostPaths: DEFAULT_ALLOWED_READ_ONLY_HOST_PATHS,
          allowedCapabilities: [],
        }),
      ),
  }),
  stackPolicy({
    name: "k8s-private-registry-pull-secret",
    description:
      "Workloads pulling from a private registry (IP-address host, *.azurecr.io/.cn/.us, or a host in privateRegistryHosts) have image pull secrets in the pod spec or on their service account in the stack (platform-facts §4).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { privateRegistryHosts: stringList() } } as PolicyConfigSchema,
    findings: (resources, args) =>
      pullSecrets.pullSecretFindings(
        resources,
        configOf<PullSecretPolicyConfig>(args, { privateRegistryHosts: [] }).privateRegistryHosts,
      ),
  }),
  stackPolicy({
    name: "k8s-pull-secret-server-matches-image",
    description:
      "Every kubernetes.io/dockerconfigjson Secret has a server equal to some workload image host in the stack (platform-facts §4: the server must equal the image host exactly).",
    enforcementLevel: "advisory",
    findings: (resources) => pullSecrets.pullSecretServerFindings(resources),
  }),
];
