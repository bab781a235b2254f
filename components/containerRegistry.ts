import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { parseRegistryId } from "./lib/armId";
import { mapInput } from "./lib/inputs";
import { ImageImport, ImportMode } from "./imageImport";
import { knownValue, oneOf, validateKnown } from "./lib/validation";
import { StatefulResourceOptions, checkedStatefulOptions, withStatefulOptions } from "./lib/childOptions";
import { REGISTRY_LOG_CATEGORIES, REGISTRY_PRIVATE_LINK_GROUP } from "./lib/registryLandingZone";
import { registryNameProblem } from "./lib/acrNames";
import {
  checkPremiumFeatures,
  defaultRegistryName,
  registryPolicies,
  skuInput,
  softDeleteOf,
} from "./lib/containerRegistry/registry";
import { networkRuleSetOf, privateEndpointPlans } from "./lib/containerRegistry/network";
import { diagnosticsPlan, encryptionOf, landingZoneModule, lockLevelOf } from "./lib/containerRegistry/landingZone";
import { importChildNames } from "./lib/containerRegistry/imports";

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
   * Public IPv4 addresses or CIDR ranges allowed to reach the registry (e.g. `203.0.113.0/24`). The rules apply to
   * the login server and the dedicated data endpoints alike, so one rule per edge site's public egress (NAT) address
   * lets it both authenticate and download layers. Private, loopback, link-local and CGNAT ranges are refused: such
   * traffic never arrives from the internet (private networks use `privateEndpoints`).
   */
  readonly ipRules?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Which trusted Azure services may reach a registry whose network rules would otherwise refuse them. */
export enum NetworkRuleBypass {
  /** Trusted Azure services (e.g. Microsoft Defender for Cloud, ACR Tasks with a managed identity) bypass the rules. */
  AzureServices = "AzureServices",
  /** No bypass: only the IP rules and private endpoints reach the registry. */
  None = "None",
}

/** A private endpoint of the registry in one subnet. */
export interface RegistryPrivateEndpoint {
  /**
   * ARM id of the subnet the endpoint takes its private addresses from
   * (`/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>`).
   * The endpoint gets one address for the login server and one per data endpoint (`<name>.<region>.data.azurecr.io`),
   * which is where connected registries sync from.
   */
  readonly subnetId: pulumi.Input<string>;
  /**
   * ARM id of the private DNS zone `privatelink.azurecr.io` (usually the landing zone's central one). A DNS zone
   * group is created on the endpoint so that Azure writes both the login server's and the data endpoints' A records
   * into that zone. Default: none, for landing zones whose Azure Policy creates the zone group, or custom DNS (then
   * create the records listed in `privateEndpointDnsRecords`).
   */
  readonly privateDnsZoneId?: pulumi.Input<string>;
  /** Resource group of the endpoint. Default: the registry's `resourceGroupName`. */
  readonly resourceGroupName?: pulumi.Input<string>;
  /** Region of the endpoint, which must be the virtual network's. Default: the registry's `location`. */
  readonly location?: pulumi.Input<string>;
  /**
   * Short label in the child names (`<component>-pe-<label>`, letters, digits and `-`). Default: the subnet's
   * name from `subnetId`. Set it when two endpoints use subnets of the same name.
   */
  readonly label?: string;
}

/** Where the registry's diagnostic setting sends its logs and metrics (at least one destination). */
export interface RegistryDiagnostics {
  /** ARM id of a Log Analytics workspace. Default: none. */
  readonly workspaceId?: pulumi.Input<string>;
  /** ARM id of a storage account (archive). Default: none. */
  readonly storageAccountId?: pulumi.Input<string>;
  /** ARM id of an Event Hubs namespace authorization rule (with `Send`). Default: none. */
  readonly eventHubAuthorizationRuleId?: pulumi.Input<string>;
  /** The event hub in that namespace. Default: Azure creates one per category. Needs `eventHubAuthorizationRuleId`. */
  readonly eventHubName?: pulumi.Input<string>;
  /** Also send the registry's metrics (`AllMetrics`). Default `true`. */
  readonly metricsEnabled?: pulumi.Input<boolean>;
}

/** Level of the management lock on the registry. */
export enum RegistryLockLevel {
  /**
   * Nothing under the registry can be deleted: neither the registry nor its tokens, scope maps, connected registries
   * or replications (so removing a site or `pulumi destroy` fails until the lock is removed). Changes still work.
   */
  CanNotDelete = "CanNotDelete",
  /**
   * No control-plane write at all under the registry: also no new or changed token, scope map, connected registry,
   * token password, image import or private endpoint connection. Pushes and pulls (data plane) still work.
   */
  ReadOnly = "ReadOnly",
}

/** A management lock on the registry. */
export interface RegistryLock {
  /** `CanNotDelete` (what a landing zone usually asks) or `ReadOnly` (see the enum for what each blocks). */
  readonly level: pulumi.Input<RegistryLockLevel>;
  /** Notes shown with the lock (up to 512 characters). Default: who created it and how to remove it. */
  readonly notes?: pulumi.Input<string>;
}

/** Encryption of the registry's content with a customer-managed key (create-time only). */
export interface RegistryCustomerManagedKey {
  /**
   * Key Vault key URI. Versionless (`https://<vault>.vault.azure.net/keys/<key>`): ACR moves to new key versions by
   * itself (key rotation). With a version (`.../keys/<key>/<version>`): pinned; rotate by setting a new URI.
   */
  readonly keyUri: pulumi.Input<string>;
  /**
   * ARM id of the user-assigned identity the registry reads the key with; it needs `get`, `wrapKey` and `unwrapKey`
   * on the key (role `Key Vault Crypto Service Encryption User`) before the registry is created.
   */
  readonly identityId: pulumi.Input<string>;
  /** Client id (GUID) of that identity (its `clientId` output). */
  readonly identityClientId: pulumi.Input<string>;
}

/** A private endpoint's DNS record: what custom DNS must resolve to reach the registry privately. */
export interface RegistryPrivateDnsRecord {
  /** The name, e.g. `myregistry.azurecr.io` or `myregistry.eastus.data.azurecr.io`. */
  readonly fqdn: string;
  /** The private addresses it resolves to. */
  readonly ipAddresses: string[];
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
  /**
   * IP allow-list for public access. Premium only. Default: none (any address). With `defaultAction` `Deny` and no
   * `ipRules`, only `privateEndpoints` reach the registry (refused without them: no edge could sync).
   */
  readonly networkRules?: pulumi.Input<RegistryNetworkRules>;
  /**
   * Whether trusted Azure services bypass `networkRules` and disabled public access. Default `AzureServices`
   * (Azure's default).
   */
  readonly networkRuleBypassOptions?: pulumi.Input<NetworkRuleBypass>;
  /**
   * Private endpoints, one per subnet, each with its DNS zone group (see {@link RegistryPrivateEndpoint}). Premium
   * only. Default: none. Children `<name>-pe-<label>` and `<name>-pe-<label>-dns`.
   */
  readonly privateEndpoints?: RegistryPrivateEndpoint[];
  /**
   * A diagnostic setting sending the registry's login and repository events (`ContainerRegistryLoginEvents`,
   * `ContainerRegistryRepositoryEvents`) and metrics to a workspace, storage account and/or event hub. Default: none.
   * Child `<name>-diagnostics`.
   */
  readonly diagnostics?: RegistryDiagnostics;
  /**
   * A management lock on the registry, created after every other child. Default: none. `ReadOnly` cannot be combined
   * with `imports` (an import is a write on the registry); see {@link RegistryLockLevel}. Child `<name>-lock`.
   */
  readonly lock?: RegistryLock;
  /**
   * Encrypt the registry with a customer-managed key. Create-time only: Azure refuses to add it to an existing
   * registry or to remove it later (a registry without it must be re-created: `pulumi up` fails, it does not replace
   * the registry). Premium only. Default: none (Microsoft-managed keys).
   */
  readonly customerManagedKey?: RegistryCustomerManagedKey;
  /**
   * Days deleted artifacts are kept and can be restored (1-90): the registry's soft delete policy. Azure cannot combine
   * it with the retention policy for untagged manifests, so it turns that policy off; do not set `retentionDays`
   * with it. Default: none (retention on instead).
   */
  readonly softDelete?: pulumi.Input<number>;
  /**
   * Days untagged manifests are kept before they are purged (0-365). Default `7`. Premium only. Conflicts with
   * `softDelete`.
   */
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
  /**
   * The DNS records of the private endpoints (login server and every data endpoint, with their private addresses), as
   * Azure reports them: what custom DNS must serve when no `privateDnsZoneId` is given. Empty without private endpoints.
   */
  public readonly privateEndpointDnsRecords: pulumi.Output<RegistryPrivateDnsRecord[]>;

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
    const networkRuleSet = args.networkRules && networkRuleSetOf(args);
    validateKnown("networkRuleBypassOptions", args.networkRuleBypassOptions, oneOf(Object.values(NetworkRuleBypass)));
    const softDelete = softDeleteOf(args);
    const endpoints = privateEndpointPlans(name, args.privateEndpoints ?? []);
    const diagnostics = args.diagnostics && diagnosticsPlan(args.diagnostics);
    const lockLevel = args.lock && lockLevelOf(args, this);
    const encryption = args.customerManagedKey && encryptionOf(args.customerManagedKey);
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
        networkRuleBypassOptions: args.networkRuleBypassOptions,
        identity: encryption?.identity,
        encryption: encryption?.encryption,
        policies: registryPolicies(args, softDelete),
        tags: args.tags,
      },
      withStatefulOptions({ parent: this }, registryOptions),
    );
    if (encryption && pulumi.runtime.isDryRun()) {
      void pulumi.log.warn(
        "customerManagedKey is a create-time setting: Azure encrypts a registry with it only when the registry is created, " +
          "and refuses to add or remove it later (that update fails; the registry is not replaced). To encrypt an existing " +
          "registry, create a new one and import its images.",
        this,
      );
    }

    this.registry = registry;
    this.registryName = registry.name;
    this.registryId = registry.id;
    this.loginServer = registry.loginServer;
    this.dataEndpointHostNames = registry.dataEndpointHostNames.apply((hosts) => hosts ?? []);
    this.location = registry.location;

    const privateEndpoints = endpoints.map((plan) => {
      const network = landingZoneModule("network");
      const endpoint = new network.PrivateEndpoint(
        plan.childName,
        {
          resourceGroupName: plan.spec.resourceGroupName ?? args.resourceGroupName,
          location: plan.spec.location ?? args.location,
          subnet: { id: plan.subnetId },
          privateLinkServiceConnections: [
            { name: plan.childName, privateLinkServiceId: registry.id, groupIds: [REGISTRY_PRIVATE_LINK_GROUP] },
          ],
          tags: args.tags,
        },
        { parent: this },
      );
      if (plan.privateDnsZoneId !== undefined) {
        new network.PrivateDnsZoneGroup(
          `${plan.childName}-dns`,
          {
            resourceGroupName: plan.spec.resourceGroupName ?? args.resourceGroupName,
            privateEndpointName: endpoint.name,
            privateDnsZoneGroupName: "default",
            // One zone holds the login server's and every data endpoint's record (`<name>.<region>.data`).
            privateDnsZoneConfigs: [{ name: "registry", privateDnsZoneId: plan.privateDnsZoneId }],
          },
          { parent: this },
        );
      }
      return endpoint;
    });
    this.privateEndpointDnsRecords = pulumi
      .all(privateEndpoints.map((endpoint) => endpoint.customDnsConfigs))
      .apply((configs) =>
        configs.flatMap((records) =>
          (records ?? []).map((record) => ({ fqdn: record.fqdn ?? "", ipAddresses: record.ipAddresses ?? [] })),
        ),
      );

    const diagnosticSetting =
      diagnostics &&
      new (landingZoneModule("monitor").DiagnosticSetting)(
        `${name}-diagnostics`,
        {
          resourceUri: registry.id,
          workspaceId: diagnostics.workspaceId,
          storageAccountId: diagnostics.storageAccountId,
          eventHubAuthorizationRuleId: diagnostics.eventHubAuthorizationRuleId,
          eventHubName: diagnostics.eventHubName,
          logs: REGISTRY_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
          metrics: mapInput(diagnostics.metricsEnabled ?? true, (on) =>
            on ? [{ category: "AllMetrics", enabled: true }] : [],
          ),
        },
        { parent: this },
      );

    const subscriptionId = registry.id.apply((id) => parseRegistryId(id)?.subscriptionId ?? "");
    const imports = importNames.map((childName, i) => {
      const plain = knownValue(args.imports![i]);
      const lifted = pulumi.output(args.imports![i]);
      return new ImageImport(
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

    if (lockLevel !== undefined) {
      // Last: a lock blocks writes (ReadOnly) or deletes (CanNotDelete) under the registry, so everything this
      // component writes there (imports, private endpoint connections, the diagnostic setting) comes first.
      new (landingZoneModule("authorization").ManagementLockByScope)(
        `${name}-lock`,
        {
          scope: registry.id,
          level: lockLevel,
          notes:
            args.lock!.notes ??
            `Set by edge-registry ContainerRegistry "${name}". Remove the component's lock argument (pulumi up) to lift it.`,
        },
        {
          parent: this,
          dependsOn: [registry, ...privateEndpoints, ...imports, ...(diagnosticSetting ? [diagnosticSetting] : [])],
        },
      );
    }

    this.registerOutputs();
  }
}
