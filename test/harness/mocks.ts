/**
 * The one Pulumi mocks module every test uses.
 *
 * Import it before the code under test: importing it installs the mocks (`pulumi.runtime.setMocks`).
 * It records every registered resource (type, name, inputs, outputs), answers with realistic computed
 * outputs (ARM ids, login servers, data endpoints, the connected registry's gateway endpoint, generated
 * token passwords), can delay each type to simulate provisioning time, and flags two resources that
 * share a URN (the real engine rejects them; plain Pulumi mocks silently overwrite one).
 *
 * Typical use:
 * ```ts
 * import { cloud, resetCloud, settle, unwrap } from "./mocks";
 * import { ContainerRegistry } from "../../components";
 * beforeEach(() => resetCloud());
 * it("...", async () => {
 *   const registry = new ContainerRegistry("acr", { resourceGroupName: "rg" });
 *   await settle();
 *   expect(cloud.ofType("azure-native:containerregistry:Registry")).toHaveLength(1);
 *   expect(await unwrap(registry.loginServer)).toBe("acr.azurecr.io");
 * });
 * ```
 */
import "./lazyArborist";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { skipUnreadPromiseStacks, skipUnreadSourcePositions } from "../../plan/mockRuntime";

/** The subscription every mocked ARM id lives in. */
export const SUBSCRIPTION_ID = "8f2b1d6e-3c4a-4e5f-9a7b-1c2d3e4f5a6b";
/** The tenant returned by `azure-native:authorization:getClientConfig`. */
export const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/** The default location when a program sets none. */
export const DEFAULT_LOCATION = "eastus";

/** One resource registration seen by the mocks. */
export interface RecordedResource {
  /** Type token, e.g. `azure-native:containerregistry:Registry`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  /** Inputs as the engine received them: outputs resolved; secret values still wrapped (see `revealSecrets` in plainState.ts). */
  inputs: Record<string, any>;
  /** The state the mocks answered with. */
  state: Record<string, any>;
  /** The physical id the mocks answered with. */
  id: string;
  /** The provider reference (`urn::id`) when one was passed. */
  provider?: string;
  /** True for custom resources, false for components. */
  custom: boolean;
  /** Milliseconds since the last reset when the engine registered it (its inputs had resolved). */
  registeredAt: number;
}

/** One function call (invoke) seen by the mocks. */
export interface RecordedCall {
  token: string;
  inputs: Record<string, any>;
}

/** Computes the outputs of a resource type from its registration. */
export type OutputRule = (args: pulumi.runtime.MockResourceArgs, cloud: MockCloud) => RuleResult | Promise<RuleResult>;

/** The id and state an {@link OutputRule} answers with. */
export interface RuleResult {
  id?: string;
  state?: Record<string, any>;
}

/** The four `@pulumi/tls` types the double in tlsDouble.ts answers (`tlsOutputRules` there). */
const tlsTypes = [
  "tls:index/privateKey:PrivateKey",
  "tls:index/selfSignedCert:SelfSignedCert",
  "tls:index/certRequest:CertRequest",
  "tls:index/locallySignedCert:LocallySignedCert",
];

/**
 * The tls double's rule for `type`, loaded at the first tls registration: the double and @peculiar/x509 take
 * ~0.3 s to load, and most test files (and the scenario processes) create no certificate.
 */
function tlsRule(type: string): OutputRule {
  return (args) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { tlsOutputRules } = require("./tlsDouble") as typeof import("./tlsDouble");
    if (Object.keys(tlsOutputRules).sort().join() !== [...tlsTypes].sort().join()) {
      throw new Error(`mocks.ts tlsTypes differ from the rules of tlsDouble.ts: ${Object.keys(tlsOutputRules)}`);
    }
    return tlsOutputRules[type](args);
  };
}

const armPrefix = (resourceGroupName: string) =>
  `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${resourceGroupName}`;
const registryArmId = (rg: string, registry: string) =>
  `${armPrefix(rg)}/providers/Microsoft.ContainerRegistry/registries/${registry}`;

/** A deterministic, password-like value: the same name always gives the same password. */
export function fakePassword(seed: string): string {
  return (
    crypto
      .createHash("sha256")
      .update(seed)
      .digest("base64")
      .replace(/[^A-Za-z0-9]/g, "")
      .slice(0, 32) + "+/="
  );
}

/** A deterministic GUID-shaped value derived from `seed`. */
export function fakeGuid(seed: string): string {
  const hex = crypto.createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Realistic outputs for the types the components create. Tests may add or override rules. */
export const defaultOutputRules: Record<string, OutputRule> = {
  "azure-native:resources:ResourceGroup": ({ inputs, name }) => {
    const rg = inputs.resourceGroupName ?? name;
    return { id: armPrefix(rg), state: { name: rg } };
  },
  "azure-native:containerregistry:Registry": ({ inputs, name }) => {
    const registryName = inputs.registryName ?? name;
    const location = inputs.location ?? DEFAULT_LOCATION;
    return {
      id: registryArmId(inputs.resourceGroupName, registryName),
      state: {
        name: registryName,
        location,
        loginServer: `${registryName.toLowerCase()}.azurecr.io`,
        dataEndpointHostNames: inputs.dataEndpointEnabled
          ? [`${registryName.toLowerCase()}.${location}.data.azurecr.io`]
          : [],
        provisioningState: "Succeeded",
      },
    };
  },
  "azure-native:containerregistry:ScopeMap": ({ inputs, name }) => {
    const scopeMapName = inputs.scopeMapName ?? name;
    return {
      id: `${registryArmId(inputs.resourceGroupName, inputs.registryName)}/scopeMaps/${scopeMapName}`,
      state: { name: scopeMapName, type: "UserDefined", provisioningState: "Succeeded" },
    };
  },
  "azure-native:containerregistry:Token": ({ inputs, name }) => {
    const tokenName = inputs.tokenName ?? name;
    return {
      id: `${registryArmId(inputs.resourceGroupName, inputs.registryName)}/tokens/${tokenName}`,
      state: { name: tokenName, provisioningState: "Succeeded", creationDate: "2026-01-01T00:00:00Z" },
    };
  },
  "azure-native:containerregistry:ConnectedRegistry": ({ inputs, name }, cloud) => {
    const connectedRegistryName = inputs.connectedRegistryName ?? name;
    const registry = cloud.findRegistry(inputs.resourceGroupName, inputs.registryName);
    const location = registry?.state.location ?? DEFAULT_LOCATION;
    return {
      id: `${registryArmId(inputs.resourceGroupName, inputs.registryName)}/connectedRegistries/${connectedRegistryName}`,
      state: {
        name: connectedRegistryName,
        provisioningState: "Succeeded",
        connectionState: "Offline",
        activation: { status: "Inactive" },
        lastActivityTime: "2026-01-01T00:00:00Z",
        version: "1.0.0",
        loginServer: { host: `${String(inputs.registryName).toLowerCase()}.azurecr.io` },
        parent: {
          ...inputs.parent,
          syncProperties: {
            ...inputs.parent?.syncProperties,
            gatewayEndpoint: `${String(inputs.registryName).toLowerCase()}.${location}.data.azurecr.io`,
            lastSyncTime: "2026-01-01T00:00:00Z",
          },
        },
      },
    };
  },
  "azure-native:kubernetesconfiguration:Extension": ({ inputs, name }) => {
    const extensionName = inputs.extensionName ?? name;
    const cluster = `${armPrefix(inputs.resourceGroupName)}/providers/${inputs.clusterRp}/${inputs.clusterResourceName}/${inputs.clusterName}`;
    return {
      id: `${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/${extensionName}`,
      state: {
        name: extensionName,
        provisioningState: "Succeeded",
        currentVersion: "0.11.0",
        identity: { ...inputs.identity, principalId: "0b8e5f3c-7d1a-4c2b-9e6f-5a4d3c2b1a09" },
      },
    };
  },
  // What a landing zone provides: ARM ids shaped as Azure returns them (the components check the shape).
  "azure-native:network:VirtualNetwork": ({ inputs, name }) => {
    const vnet = inputs.virtualNetworkName ?? `${name}1a2b3c`;
    return {
      id: `${armPrefix(inputs.resourceGroupName)}/providers/Microsoft.Network/virtualNetworks/${vnet}`,
      state: { name: vnet },
    };
  },
  "azure-native:network:Subnet": ({ inputs, name }) => {
    const subnet = inputs.subnetName ?? `${name}1a2b3c`;
    return {
      id: `${armPrefix(inputs.resourceGroupName)}/providers/Microsoft.Network/virtualNetworks/${inputs.virtualNetworkName}/subnets/${subnet}`,
      state: { name: subnet },
    };
  },
  "azure-native:privatedns:PrivateZone": ({ inputs, name }) => {
    const zone = inputs.privateZoneName ?? name;
    return {
      id: `${armPrefix(inputs.resourceGroupName)}/providers/Microsoft.Network/privateDnsZones/${zone}`,
      state: { name: zone },
    };
  },
  "azure-native:operationalinsights:Workspace": ({ inputs, name }) => {
    const workspace = inputs.workspaceName ?? `${name}1a2b3c`;
    return {
      id: `${armPrefix(inputs.resourceGroupName)}/providers/Microsoft.OperationalInsights/workspaces/${workspace}`,
      state: { name: workspace, customerId: fakeGuid(`workspace:${workspace}`) },
    };
  },
  // A registry's private endpoint: as Azure reports it, one record for the login server and one per data endpoint
  // (`<name>.<region>.data.azurecr.io`, present whether or not the dedicated data endpoint is on), each with a
  // private address from the subnet.
  "azure-native:network:PrivateEndpoint": ({ inputs, name }, cloud) => {
    const rg = inputs.resourceGroupName;
    const target = String(inputs.privateLinkServiceConnections?.[0]?.privateLinkServiceId ?? "");
    const match = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/([^/]+)$/i.exec(
      target,
    );
    const registry = match ? cloud.findRegistry(match[1], match[2]) : undefined;
    const registryName = String(registry?.state.name ?? "").toLowerCase();
    const location = registry?.state.location ?? DEFAULT_LOCATION;
    const octet = 4 + cloud.ofType("azure-native:network:PrivateEndpoint").length * 2;
    return {
      id: `${armPrefix(rg)}/providers/Microsoft.Network/privateEndpoints/${name}-1a2b3c`,
      state: {
        name: `${name}-1a2b3c`,
        provisioningState: "Succeeded",
        customDnsConfigs: registry
          ? [
              { fqdn: `${registryName}.azurecr.io`, ipAddresses: [`10.1.0.${octet}`] },
              { fqdn: `${registryName}.${location}.data.azurecr.io`, ipAddresses: [`10.1.0.${octet + 1}`] },
            ]
          : [],
      },
    };
  },
  "azure-native:authorization:RoleAssignment": ({ inputs, name }) => ({
    id: `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${inputs.roleAssignmentName ?? name}`,
  }),
  // Microsoft Entra (azuread): ids and the generated client id, object ids and password.
  "azuread:index/application:Application": ({ name }) => {
    const objectId = fakeGuid(`application:${name}`);
    return { id: `/applications/${objectId}`, state: { objectId, clientId: fakeGuid(`client:${name}`) } };
  },
  "azuread:index/servicePrincipal:ServicePrincipal": ({ inputs }) => {
    const objectId = fakeGuid(`servicePrincipal:${inputs.clientId}`);
    return { id: `/servicePrincipals/${objectId}`, state: { objectId } };
  },
  "azuread:index/applicationPassword:ApplicationPassword": ({ inputs, name }) => {
    const keyId = fakeGuid(`password:${name}`);
    return { id: `${inputs.applicationId}/password/${keyId}`, state: { keyId, value: fakePassword(`sp:${name}`) } };
  },
  // Dynamic resources created by this package: `pulumi-nodejs:dynamic/edge-registry:<Kind>`.
  "pulumi-nodejs:dynamic/edge-registry:TokenPassword": ({ inputs, name }) => ({
    id: `${inputs.tokenId}/passwords`,
    state: {
      passwordName: "password1",
      username: String(inputs.tokenId ?? name)
        .split("/")
        .pop(),
      value: fakePassword(`${inputs.tokenId}:${name}`),
      creationTime: "2026-01-01T00:00:00Z",
    },
  }),
  // @pulumi/tls: real keys and X.509 certificates (see tlsDouble.ts).
  ...Object.fromEntries(tlsTypes.map((type) => [type, tlsRule(type)])),
  "pulumi-nodejs:dynamic/edge-registry:ConnectedRegistryDeactivation": ({ inputs }) => ({
    id: `${registryArmId(inputs.resourceGroupName, inputs.registryName)}/connectedRegistries/${inputs.connectedRegistryName}/deactivation`,
  }),
  "pulumi-nodejs:dynamic/edge-registry:ImageImport": ({ inputs }) => ({
    id: `${registryArmId(inputs.resourceGroupName, inputs.registryName)}/imports/${(inputs.targetTags ?? []).join(",")}`,
  }),
};

/** Latencies in milliseconds per type token, to simulate provisioning time. */
export type Latencies = Record<string, number>;

/** The mocks: a recording fake of the Pulumi engine and the clouds behind it. */
export class MockCloud implements pulumi.runtime.Mocks {
  /** Every resource registered since the last reset, in registration order. */
  readonly resources: RecordedResource[] = [];
  /** Every invoke since the last reset. */
  readonly calls: RecordedCall[] = [];
  /** URNs registered twice since the last reset (a real deployment would fail on each). */
  readonly duplicateUrns: string[] = [];
  /** Output rules by type; start from {@link defaultOutputRules}. */
  rules: Record<string, OutputRule> = { ...defaultOutputRules };
  /** Simulated provisioning time per type (ms). `"*"` applies to every type without its own entry. */
  latencies: Latencies = {};
  private readonly seenNames = new Set<string>();
  private startedAt = performance.now();

  /** Forgets everything recorded and restores the default rules and latencies. */
  reset(): void {
    this.resources.length = 0;
    this.calls.length = 0;
    this.duplicateUrns.length = 0;
    this.seenNames.clear();
    this.startedAt = performance.now();
    this.rules = { ...defaultOutputRules };
    this.latencies = {};
  }

  async newResource(
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<{ id: string | undefined; state: Record<string, any> }> {
    const key = `${args.type}::${args.name}`;
    if (this.seenNames.has(key)) {
      this.duplicateUrns.push(key);
    }
    this.seenNames.add(key);
    const rule = this.rules[args.type];
    const computed = rule ? await rule(args, this) : {};
    const id = computed.id ?? `${args.name}-id`;
    const state = { ...defaultState(args), ...computed.state };
    const record: RecordedResource = {
      type: args.type,
      name: args.name,
      inputs: args.inputs,
      state,
      id,
      provider: args.provider,
      custom: args.custom ?? true,
      registeredAt: performance.now() - this.startedAt,
    };
    this.resources.push(record);
    const latency = this.latencies[args.type] ?? this.latencies["*"] ?? 0;
    if (latency > 0) {
      await new Promise((resolve) => setTimeout(resolve, latency));
    }
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    this.calls.push({ token: args.token, inputs: args.inputs });
    switch (args.token) {
      case "azure-native:authorization:getClientConfig":
        return {
          subscriptionId: SUBSCRIPTION_ID,
          tenantId: TENANT_ID,
          clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
          objectId: "5e1c2b3a-4d6f-4a8b-9c0d-1e2f3a4b5c6d",
        };
      case "azuread:index/getClientConfig:getClientConfig":
        return {
          tenantId: TENANT_ID,
          clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
          objectId: "5e1c2b3a-4d6f-4a8b-9c0d-1e2f3a4b5c6d",
        };
      default:
        return args.inputs;
    }
  }

  /** The recorded resources of one type. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one recorded resource of `type` named `name`; throws when there is none. */
  get(type: string, name: string): RecordedResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found) {
      const names = this.ofType(type).map((r) => r.name);
      throw new Error(`no ${type} named "${name}" was registered (registered: ${names.join(", ") || "none"})`);
    }
    return found;
  }

  /** Counts of registered resources by type, sorted by type. */
  countsByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of [...this.resources].sort((a, b) => a.type.localeCompare(b.type))) {
      counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
    return counts;
  }

  /** The registry registered with this resource group and name, if any. */
  findRegistry(resourceGroupName: string, registryName: string): RecordedResource | undefined {
    return this.ofType("azure-native:containerregistry:Registry").find(
      (r) => r.inputs.resourceGroupName === resourceGroupName && (r.inputs.registryName ?? r.name) === registryName,
    );
  }
}

/** Kubernetes objects get their auto-name the way the provider does (`<name>-<suffix>`) when none is set. */
function defaultState(args: pulumi.runtime.MockResourceArgs): Record<string, any> {
  const state: Record<string, any> = { ...args.inputs };
  if (args.type.startsWith("kubernetes:") && state.metadata && !state.metadata.name) {
    const suffix = crypto.createHash("sha1").update(args.name).digest("hex").slice(0, 8);
    state.metadata = { ...state.metadata, name: `${args.name}-${suffix}` };
  }
  return state;
}

/** The mocks installed for this test file. */
export const cloud = new MockCloud();

/** Installs the mocks; `preview: true` simulates `pulumi preview` (unknown computed values). */
export function installMocks(options: { preview?: boolean; project?: string; stack?: string } = {}): void {
  void pulumi.runtime.setMocks(
    cloud,
    options.project ?? "edge-registry",
    options.stack ?? "test",
    options.preview ?? false,
  );
}

installMocks();
skipUnreadPromiseStacks();
skipUnreadSourcePositions();

/** Clears what was recorded (call in `beforeEach`). */
export function resetCloud(): MockCloud {
  cloud.reset();
  return cloud;
}

/** Waits until every pending registration and invoke has been answered. */
export async function settle(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
}

/** The plain value of an Output (or any input). Resolves to `undefined` for values unknown in preview. */
export function unwrap<T>(value: pulumi.Input<T>): Promise<T> {
  // `promise()` is the SDK's own resolution of an Output, including unknowns (as undefined).
  return (pulumi.output(value) as unknown as { promise(): Promise<T> }).promise();
}

/** Whether an Output is marked secret. */
export function isSecret<T>(value: pulumi.Output<T>): Promise<boolean> {
  return pulumi.isSecret(value);
}

/** Runs `construct` and returns the synchronous error it throws (for validation tests). */
export function constructionError(construct: () => unknown): pulumi.InputPropertyError {
  try {
    construct();
  } catch (error) {
    if (pulumi.InputPropertyError.isInstance(error)) {
      return error;
    }
    throw error;
  }
  throw new Error("expected the constructor to throw an InputPropertyError, but it did not throw");
}
