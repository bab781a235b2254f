import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import {
  checkTargetTags,
  defaultTargetTags,
  parseImageReference,
  registryNameProblem,
  sourceRegistryProblem,
} from "./lib/acrNames";
import { parseRegistryId } from "./lib/armId";
import { mapAll, mapInput } from "./lib/inputs";
import { ImageImport, ImportMode } from "./imageImport";
import { Check, inputError, knownValue, oneOf, validateKnown } from "./lib/validation";
import { StatefulResourceOptions, checkedStatefulOptions, withStatefulOptions } from "./lib/childOptions";

/** Registry service tier. */
export enum RegistrySku {
  /** Entry tier: no data endpoint, network rules, retention policy or connected registries. */
  Basic = "Basic",
  /** More storage and throughput; same feature limits as Basic. */
  Standard = "Standard",
  /** Required for dedicated data endpoints, connected registries, network rules and retention. */
  Premium = "Premium",
}

/** What the registry does with a request no IP rule matches. */
export enum NetworkDefaultAction {
  /** Allow requests from any address. */
  Allow = "Allow",
  /** Deny requests except from the IP rules. */
  Deny = "Deny",
}

/** Public network rules of a Premium registry. */
export interface RegistryNetworkRules {
  /** Action for requests no IP rule matches. Default `Deny` (only `ipRules` may reach the registry). */
  readonly defaultAction?: pulumi.Input<NetworkDefaultAction>;
  /**
   * IPv4 addresses or CIDR ranges allowed to reach the registry (e.g. `203.0.113.0/24`). Edge sites
   * must be able to reach both the login server and the data endpoint.
   */
  readonly ipRules?: pulumi.Input<pulumi.Input<string>[]>;
}

/** An image to import into the registry once it exists (see `ImageImport`). */
export interface RegistryImageImport {
  /** The image, e.g. `mcr.microsoft.com/mcr/hello-world:latest` (no tag = `latest`; the registry host is required). */
  readonly source: pulumi.Input<string>;
  /**
   * ARM id of an Azure registry of the same tenant to import from (`source` is then the repository inside it).
   * Default: none. See `ImageImportArgs.sourceRegistryId`.
   */
  readonly sourceRegistryId?: pulumi.Input<string>;
  /** `repository:tag` targets. Default: the source's full path and tag, as az names it (`mcr/hello-world:latest`). */
  readonly targetTags?: pulumi.Input<pulumi.Input<string>[]>;
  /** Default `NoForce` (fail when a target tag exists); `Force` overwrites. */
  readonly mode?: pulumi.Input<ImportMode>;
}

/** Arguments of {@link ContainerRegistry}. */
export interface ContainerRegistryArgs {
  /** Resource group the registry is created in. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region. Default: the resource group's location. */
  readonly location?: pulumi.Input<string>;
  /**
   * Registry name: 5-50 letters and digits, unique across Azure (it is the login server
   * `<name>.azurecr.io`). Default: the component name with non-alphanumerics removed, lowercased
   * (`edge-acr-01` → `edgeacr01`); set it when that is too short or already taken.
   */
  readonly registryName?: pulumi.Input<string>;
  /** Service tier. Default `Premium` (required by connected registries and the data endpoint). */
  readonly sku?: pulumi.Input<RegistrySku>;
  /**
   * Serve layers from a dedicated data endpoint `<name>.<region>.data.azurecr.io` (required by
   * connected registries). Default `true`; needs `sku` Premium.
   */
  readonly dataEndpointEnabled?: pulumi.Input<boolean>;
  /** Spread the registry across availability zones (a create-time setting). Default `false`. */
  readonly zoneRedundancy?: pulumi.Input<boolean>;
  /**
   * Allow access over the public internet. Default `true`: edge sites reach the login server and data
   * endpoint publicly unless you provide private endpoints. Conflicts with `networkRules` when `false`.
   */
  readonly publicNetworkAccessEnabled?: pulumi.Input<boolean>;
  /** IP allow-list for public access. Premium only. Default: none (any address). */
  readonly networkRules?: pulumi.Input<RegistryNetworkRules>;
  /** Days untagged manifests are kept before they are purged (0-365). Default `7`. Premium only. */
  readonly retentionDays?: pulumi.Input<number>;
  /** Azure tags of the registry. */
  readonly tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
  /** Images imported once the registry exists; each becomes an `ImageImport` child. Target tags must not overlap. */
  readonly imports?: pulumi.Input<RegistryImageImport>[];
  /**
   * Resource options of the registry itself (`protect`, `retainOnDelete`, `ignoreChanges`), e.g.
   * `{ protect: true }` so that no change can delete or replace it. Plain values. Default: none (the
   * component's own `protect` option still reaches the registry).
   */
  readonly registryOptions?: StatefulResourceOptions;
}

const ipRulePattern =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;
const ipRuleCheck: Check<string> = (value) =>
  ipRulePattern.test(value) ? undefined : `"${value}" is not an IPv4 address or CIDR range (e.g. 203.0.113.0/24).`;

/**
 * An Azure Container Registry with the security baseline on by default: Premium with a dedicated data
 * endpoint (what connected registries need), admin user and anonymous pull off, a retention policy for
 * untagged manifests, and ARM-audience tokens refused. Content trust, quarantine and geo-replication
 * are never enabled (geo-replication breaks the Arc extension). Optional `imports` copy images in.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
  /** The registry's name. */
  public readonly registryName: pulumi.Output<string>;
  /** The registry's ARM id. */
  public readonly registryId: pulumi.Output<string>;
  /** The login server, e.g. `myregistry.azurecr.io`. */
  public readonly loginServer: pulumi.Output<string>;
  /** Data endpoint hosts, e.g. `myregistry.eastus.data.azurecr.io` (empty when the data endpoint is off). */
  public readonly dataEndpointHostNames: pulumi.Output<string[]>;
  /** The registry's Azure region. */
  public readonly location: pulumi.Output<string>;
  /** The registry resource, for `dependsOn` or any of its outputs. */
  public readonly registry: containerregistry.Registry;

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:ContainerRegistry", name, {}, opts);

    const registryName = args.registryName ?? defaultRegistryName(name);
    validateKnown("registryName", registryName, registryNameProblem);
    validateKnown("sku", args.sku, oneOf(Object.values(RegistrySku)));
    validateKnown("retentionDays", args.retentionDays, (days) =>
      Number.isInteger(days) && days >= 0 && days <= 365 ? undefined : `${days} is out of range; use 0-365 days.`,
    );
    const sku = knownValue(args.sku) ?? (args.sku === undefined ? RegistrySku.Premium : undefined);
    checkPremiumFeatures(sku, args);
    const networkRuleSet = args.networkRules && networkRuleSetOf(args.networkRules, args.publicNetworkAccessEnabled);
    const importNames = importChildNames(name, args.imports ?? []);
    const registryOptions = checkedStatefulOptions("registryOptions", args.registryOptions);

    const registry = new containerregistry.Registry(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        registryName,
        location: args.location,
        sku: { name: skuInput(args) },
        dataEndpointEnabled: args.dataEndpointEnabled ?? true,
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        publicNetworkAccess: mapInput(args.publicNetworkAccessEnabled ?? true, (on) => (on ? "Enabled" : "Disabled")),
        zoneRedundancy:
          args.zoneRedundancy === undefined
            ? undefined
            : mapInput(args.zoneRedundancy, (zoned) => (zoned ? "Enabled" : "Disabled")),
        networkRuleSet,
        policies: mapAll([args.sku ?? RegistrySku.Premium, args.retentionDays ?? 7], ([tier, days]) => ({
          azureADAuthenticationAsArmPolicy: { status: "disabled" },
          ...(tier === RegistrySku.Premium ? { retentionPolicy: { days, status: "enabled" } } : {}),
        })),
        tags: args.tags,
      },
      withStatefulOptions({ parent: this }, registryOptions),
    );

    this.registry = registry;
    this.registryName = registry.name;
    this.registryId = registry.id;
    this.loginServer = registry.loginServer;
    this.dataEndpointHostNames = registry.dataEndpointHostNames.apply((hosts) => hosts ?? []);
    this.location = registry.location;

    const subscriptionId = registry.id.apply((id) => parseRegistryId(id)?.subscriptionId ?? "");
    importNames.forEach((childName, i) => {
      const plain = knownValue(args.imports![i]);
      const lifted = pulumi.output(args.imports![i]);
      new ImageImport(
        childName,
        {
          resourceGroupName: args.resourceGroupName,
          registryName: registry.name,
          subscriptionId,
          source: plain ? plain.source : lifted.source,
          sourceRegistryId: plain ? plain.sourceRegistryId : (lifted.sourceRegistryId as pulumi.Output<string>),
          targetTags: plain ? plain.targetTags : (lifted.targetTags as pulumi.Output<string[]>),
          mode: plain ? plain.mode : (lifted.mode as pulumi.Output<ImportMode>),
        },
        { parent: this },
      );
    });

    this.registerOutputs();
  }
}

/** The default registry name: the component name without non-alphanumerics, lowercased. */
function defaultRegistryName(name: string): string {
  const derived = name.replace(/[^a-zA-Z0-9]/g, "").toLowerCase();
  const problem = registryNameProblem(derived);
  if (problem !== undefined) {
    throw inputError(
      "registryName",
      `the default derived from the resource name "${name}" is "${derived}", which is not valid (5-50 letters and digits); set registryName explicitly.`,
    );
  }
  return derived;
}

/** Throws when a plain non-Premium SKU is combined with a Premium-only feature. */
function checkPremiumFeatures(sku: string | undefined, args: ContainerRegistryArgs): void {
  if (sku === undefined || sku === RegistrySku.Premium) {
    return;
  }
  const dataEndpoint = knownValue(args.dataEndpointEnabled);
  if (dataEndpoint === true || args.dataEndpointEnabled === undefined) {
    throw inputError(
      args.dataEndpointEnabled === undefined ? "sku" : "dataEndpointEnabled",
      `a dedicated data endpoint (dataEndpointEnabled, default true) needs sku Premium, but sku is ${sku}; set sku to Premium or dataEndpointEnabled to false.`,
    );
  }
  for (const feature of ["networkRules", "retentionDays"] as const) {
    if (args[feature] !== undefined) {
      throw inputError(feature, `needs sku Premium, but sku is ${sku}; set sku to Premium or remove ${feature}.`);
    }
  }
}

/** The SKU input; a deploy-time SKU is checked against the data endpoint when it resolves. */
function skuInput(args: ContainerRegistryArgs): pulumi.Input<string> {
  if (args.sku === undefined) {
    return RegistrySku.Premium;
  }
  return pulumi.all([args.sku, args.dataEndpointEnabled ?? true]).apply(([sku, dataEndpoint]) => {
    validateKnown("sku", sku, oneOf(Object.values(RegistrySku)));
    checkPremiumFeatures(sku, { ...args, sku, dataEndpointEnabled: dataEndpoint });
    return sku;
  });
}

/** The azure-native network rule set: the IP rules allowed, and `Deny` for the rest by default. */
function networkRuleSetOf(
  rules: pulumi.Input<RegistryNetworkRules>,
  publicNetworkAccessEnabled: pulumi.Input<boolean> | undefined,
) {
  if (knownValue(publicNetworkAccessEnabled) === false) {
    throw inputError(
      "networkRules",
      "has no effect when publicNetworkAccessEnabled is false (they filter public access); remove one of them.",
    );
  }
  const plain = knownValue(rules);
  if (plain) {
    validateKnown("networkRules.defaultAction", plain.defaultAction, oneOf(Object.values(NetworkDefaultAction)));
    knownValue(plain.ipRules)?.forEach((ip, i) => validateKnown(`networkRules.ipRules[${i}]`, ip, ipRuleCheck));
  }
  return mapInput(rules, (resolved) => ({
    defaultAction: resolved.defaultAction ?? NetworkDefaultAction.Deny,
    ipRules: (resolved.ipRules ?? []).map((ip, i) => {
      validateKnown(`networkRules.ipRules[${i}]`, ip, ipRuleCheck);
      return { action: "Allow", iPAddressOrRange: ip };
    }),
  }));
}

/**
 * Child names `${name}-import-<slug>`, the slug made from the first target (or the source's default
 * target), so reordering `imports` does not replace them; `${name}-import-<n>` when the source is only
 * known at deploy time. Overlapping targets are rejected: two imports must not write the same tag.
 */
function importChildNames(name: string, imports: pulumi.Input<RegistryImageImport>[]): string[] {
  const seenTargets: string[] = [];
  const slugs = new Set<string>();
  return imports.map((spec, i) => {
    const plain = knownValue(spec);
    const source = plain && knownValue(plain.source);
    const image = source === undefined ? undefined : parseImageReference(source);
    if (typeof image === "string") {
      throw inputError(`imports[${i}].source`, image);
    }
    const hostProblem =
      image === undefined || plain?.sourceRegistryId !== undefined ? undefined : sourceRegistryProblem(source!, image);
    if (hostProblem !== undefined) {
      throw inputError(`imports[${i}].source`, hostProblem);
    }
    const explicit = plain && (knownValue(plain.targetTags) as string[] | undefined);
    checkTargetTags(`imports[${i}].targetTags`, explicit);
    validateKnown(`imports[${i}].mode`, plain?.mode, oneOf(Object.values(ImportMode)));
    const targets = explicit ?? (image ? defaultTargetTags(image) : undefined);
    const clash = targets?.find((target) => seenTargets.includes(target));
    if (clash !== undefined) {
      throw inputError(
        `imports[${i}].targetTags`,
        `"${clash}" is already written by an earlier import; give each import its own targetTags.`,
      );
    }
    seenTargets.push(...(targets ?? []));
    const untagged = image?.digest && `${image.path}-${image.digest.slice(0, 19)}`;
    const label = targets?.[0] ?? untagged;
    let slug = label === undefined ? String(i) : slugOf(label);
    if (slugs.has(slug)) {
      slug = `${slug}-${i}`;
    }
    slugs.add(slug);
    return `${name}-import-${slug}`;
  });
}

/** `hello-world:latest` → `hello-world-latest`. */
function slugOf(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}
