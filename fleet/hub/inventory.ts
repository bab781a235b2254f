/**
 * The fleet inventory: the hub's stack config `sites` (a list of sites) and `registries` (the cloud registries the
 * sites sync from), parsed and checked before any resource exists. Errors name the key as it is written in the
 * stack config, e.g. `sites[3].repositries: unknown key; did you mean repositories?`.
 *
 * Only the inventory's shape is checked here (types, unknown keys, duplicates, parents, registry capacity); the
 * values themselves (name rules, repository names, schedules…) are checked by the components, which name the
 * offending argument.
 */
import type { ClusterType } from "../../components/connectedRegistryExtension";
import { suggestion } from "../../components/lib/suggestion";
import type {
  ConnectedRegistryLogLevel,
  ConnectedRegistryMode,
  ParentEndpointProtocol,
} from "../../components/connectedRegistry";

export { suggestion };

/** Most connected registries one cloud registry can have (platform-facts §1). */
export const MAX_SITES_PER_REGISTRY = 50;

/** One site of the fleet as the hub declares its cloud side. */
export interface FleetSite {
  /** Site name: also its connected registry's name and its site stack's name. */
  readonly name: string;
  /** The cloud registry it syncs from (one of the hub's `registries`). Default: the first one. */
  readonly registry: string;
  /** Name of its parent site (a nested connected registry, same registry). Default: none (syncs from the cloud). */
  readonly parent?: string;
  /** Connected registry mode. Default `ReadOnly`. */
  readonly mode: ConnectedRegistryMode;
  /** Repositories it syncs (non-empty). */
  readonly repositories: string[];
  /** Client token names (the first one is the site's pull secret). Default `[<name>client]`. */
  readonly clients: string[];
  /** Its address as its child sites reach it (required when it has children). */
  readonly gatewayEndpoint?: string;
  /** Protocol its children use to reach it. Default `https`. */
  readonly endpointProtocol?: ParentEndpointProtocol;
  /** Sync schedule (cron). Default `* * * * *`. */
  readonly syncSchedule?: string;
  /** Sync window (ISO 8601). Default unset. */
  readonly syncWindow?: string;
  /** Message TTL (ISO 8601). Default `P2D`. */
  readonly messageTtl?: string;
  /** Log level. Default `Information`. */
  readonly logLevel?: ConnectedRegistryLogLevel;
  /** The Arc (or AKS) cluster the site's stack deploys to: read by `fleet status` for the extension. */
  readonly clusterName: string;
  /** Resource group of the cluster. Default: the hub's `resourceGroupName`. */
  readonly clusterResourceGroupName?: string;
  /** Cluster type. Default `ConnectedClusters`. */
  readonly clusterType: ClusterType;
  /** Rollout wave: `canary` sites deploy first. Default `rest`. */
  readonly wave: FleetWave;
  /** Release train of the site's Arc extension (the site stack installs it, `fleet status` checks it). Default `preview`. */
  readonly releaseTrain: string;
  /**
   * Pinned extension version (then minor versions do not upgrade automatically); `fleet status` reports a site
   * whose installed version differs as outdated. Default: none (the release train's latest).
   */
  readonly extensionVersion?: string;
}

/** Rollout waves (see `.github/workflows/fleet.yml`). */
export enum FleetWave {
  /** Deployed first, alone; a failure stops the rollout. */
  Canary = "canary",
  /** Deployed after the canary wave, with bounded parallelism. */
  Rest = "rest",
}

/** The parsed inventory. */
export interface FleetInventory {
  /** The cloud registries, in order (the first is the default). */
  readonly registries: string[];
  /** The sites, in inventory order. */
  readonly sites: FleetSite[];
}

/** Raised for a bad inventory; the message starts with the key path. */
export class InventoryError extends Error {
  constructor(
    /** Where, e.g. `sites[3].repositries`. */
    readonly path: string,
    /** What is wrong and how to fix it. */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "InventoryError";
  }
}

const siteKeys = [
  "name",
  "registry",
  "parent",
  "mode",
  "repositories",
  "clients",
  "gatewayEndpoint",
  "endpointProtocol",
  "syncSchedule",
  "syncWindow",
  "messageTtl",
  "logLevel",
  "clusterName",
  "clusterResourceGroupName",
  "clusterType",
  "wave",
  "releaseTrain",
  "extensionVersion",
] as const;

/** The extension's release train when the inventory names none (the same default as ConnectedRegistryExtension). */
export const DEFAULT_RELEASE_TRAIN = "preview";

function unknownKey(path: string, key: string, known: readonly string[]): InventoryError {
  const near = suggestion(key, known);
  return new InventoryError(
    path,
    near === undefined ? `unknown key; the keys are ${known.join(", ")}.` : `unknown key; did you mean ${near}?`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function string(path: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) {
      throw new InventoryError(path, "is required.");
    }
    return undefined;
  }
  if (typeof value !== "string" || value === "") {
    throw new InventoryError(path, `must be a non-empty string (got ${JSON.stringify(value)}).`);
  }
  return value;
}

function stringList(path: string, value: unknown): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new InventoryError(path, `must be a non-empty list of strings (got ${JSON.stringify(value)}).`);
  }
  return value.map((item, i) => string(`${path}[${i}]`, item, true)!);
}

/**
 * The values of the components' enums the inventory takes, in their declaration order. Written out here, each list
 * checked against its enum by the compiler (a missing or an extra value does not compile), rather than imported:
 * the component modules load the Pulumi SDK, and `fleet status` reads the inventory without loading it.
 */
const enumValues = {
  mode: Object.keys({ ReadOnly: 0, ReadWrite: 0 } satisfies Record<`${ConnectedRegistryMode}`, 0>),
  endpointProtocol: Object.keys({ https: 0, http: 0 } satisfies Record<`${ParentEndpointProtocol}`, 0>),
  logLevel: Object.keys({ Debug: 0, Information: 0, Warning: 0, Error: 0, None: 0 } satisfies Record<
    `${ConnectedRegistryLogLevel}`,
    0
  >),
  clusterType: Object.keys({ ConnectedClusters: 0, ManagedClusters: 0 } satisfies Record<`${ClusterType}`, 0>),
  wave: Object.values(FleetWave),
};

function enumValue<E extends string>(path: string, value: unknown, allowed: readonly string[]): E | undefined {
  const text = string(path, value, false);
  if (text === undefined) {
    return undefined;
  }
  const match = allowed.find((v) => v.toLowerCase() === text.toLowerCase());
  if (match === undefined) {
    throw new InventoryError(path, `is "${text}"; use one of ${allowed.join(", ")}.`);
  }
  return match as E;
}

function firstDuplicateIndex(values: readonly string[]): number | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const key = values[i].toLowerCase();
    if (seen.has(key)) {
      return i;
    }
    seen.add(key);
  }
  return undefined;
}

function parseSite(raw: unknown, index: number, registries: readonly string[]): FleetSite {
  const path = `sites[${index}]`;
  if (!isObject(raw)) {
    throw new InventoryError(path, "must be an object with at least name, repositories and clusterName.");
  }
  for (const key of Object.keys(raw)) {
    if (!(siteKeys as readonly string[]).includes(key)) {
      throw unknownKey(`${path}.${key}`, key, siteKeys);
    }
  }
  const name = string(`${path}.name`, raw.name, true)!;
  const registry = string(`${path}.registry`, raw.registry, false) ?? registries[0];
  if (!registries.some((r) => r.toLowerCase() === registry.toLowerCase())) {
    throw new InventoryError(
      `${path}.registry`,
      `"${registry}" is not one of the hub's registries (${registries.join(", ")}).`,
    );
  }
  const repositories = stringList(`${path}.repositories`, raw.repositories);
  if (repositories === undefined) {
    throw new InventoryError(`${path}.repositories`, 'is required, e.g. ["hello-world"].');
  }
  const duplicateRepository = firstDuplicateIndex(repositories);
  if (duplicateRepository !== undefined) {
    throw new InventoryError(
      `${path}.repositories[${duplicateRepository}]`,
      `"${repositories[duplicateRepository]}" is listed twice.`,
    );
  }
  const clients = stringList(`${path}.clients`, raw.clients) ?? [`${name}client`];
  const duplicateClient = firstDuplicateIndex(clients);
  if (duplicateClient !== undefined) {
    throw new InventoryError(`${path}.clients[${duplicateClient}]`, `"${clients[duplicateClient]}" is listed twice.`);
  }
  return {
    name,
    registry,
    parent: string(`${path}.parent`, raw.parent, false),
    mode:
      enumValue<ConnectedRegistryMode>(`${path}.mode`, raw.mode, enumValues.mode) ??
      ("ReadOnly" as ConnectedRegistryMode),
    repositories,
    clients,
    gatewayEndpoint: string(`${path}.gatewayEndpoint`, raw.gatewayEndpoint, false),
    endpointProtocol: enumValue<ParentEndpointProtocol>(
      `${path}.endpointProtocol`,
      raw.endpointProtocol,
      enumValues.endpointProtocol,
    ),
    syncSchedule: string(`${path}.syncSchedule`, raw.syncSchedule, false),
    syncWindow: string(`${path}.syncWindow`, raw.syncWindow, false),
    messageTtl: string(`${path}.messageTtl`, raw.messageTtl, false),
    logLevel: enumValue<ConnectedRegistryLogLevel>(`${path}.logLevel`, raw.logLevel, enumValues.logLevel),
    clusterName: string(`${path}.clusterName`, raw.clusterName, true)!,
    clusterResourceGroupName: string(`${path}.clusterResourceGroupName`, raw.clusterResourceGroupName, false),
    clusterType:
      enumValue<ClusterType>(`${path}.clusterType`, raw.clusterType, enumValues.clusterType) ??
      ("ConnectedClusters" as ClusterType),
    wave: enumValue<FleetWave>(`${path}.wave`, raw.wave, enumValues.wave) ?? FleetWave.Rest,
    releaseTrain: string(`${path}.releaseTrain`, raw.releaseTrain, false) ?? DEFAULT_RELEASE_TRAIN,
    extensionVersion: string(`${path}.extensionVersion`, raw.extensionVersion, false),
  };
}

/**
 * Parses the hub's `registries` (list of registry names) and `sites` (list of sites) config values. Refuses unknown
 * keys (with the nearest known one), duplicate site names, duplicate client token names across the fleet, unknown
 * parents and registries, a parent in another registry, and more than {@link MAX_SITES_PER_REGISTRY} sites in one
 * registry.
 */
export function parseInventory(registriesRaw: unknown, sitesRaw: unknown): FleetInventory {
  const registries = stringList("registries", registriesRaw);
  if (registries === undefined) {
    throw new InventoryError("registries", 'is required: the cloud registries of the fleet, e.g. ["fleetacr1"].');
  }
  const duplicateRegistry = firstDuplicateIndex(registries);
  if (duplicateRegistry !== undefined) {
    throw new InventoryError(`registries[${duplicateRegistry}]`, `"${registries[duplicateRegistry]}" is listed twice.`);
  }
  if (!Array.isArray(sitesRaw) || sitesRaw.length === 0) {
    throw new InventoryError(
      "sites",
      "must be a non-empty list of sites (pulumi config set --path 'sites[0].name' store001).",
    );
  }
  const sites = sitesRaw.map((raw, i) => parseSite(raw, i, registries));

  const byName = new Map<string, number>();
  sites.forEach((site, i) => {
    const other = byName.get(site.name.toLowerCase());
    if (other !== undefined) {
      throw new InventoryError(`sites[${i}].name`, `"${site.name}" is already sites[${other}]; site names are unique.`);
    }
    byName.set(site.name.toLowerCase(), i);
  });
  // Client tokens live in their registry next to every sync token: unique per registry, and unlike site names.
  const tokens = new Map<string, string>(
    sites.map((s) => [`${s.registry}/${s.name}`.toLowerCase(), `the sync token of ${s.name}`]),
  );
  sites.forEach((site, i) =>
    site.clients.forEach((client, j) => {
      const key = `${site.registry}/${client}`.toLowerCase();
      const other = tokens.get(key);
      if (other !== undefined) {
        throw new InventoryError(
          `sites[${i}].clients[${j}]`,
          `"${client}" is already ${other} in registry ${site.registry}.`,
        );
      }
      tokens.set(key, `a client token of ${site.name}`);
    }),
  );
  sites.forEach((site, i) => {
    if (site.parent === undefined) {
      return;
    }
    const parentIndex = byName.get(site.parent.toLowerCase());
    if (parentIndex === undefined) {
      throw new InventoryError(`sites[${i}].parent`, `"${site.parent}" is not a site of the inventory.`);
    }
    if (sites[parentIndex].registry.toLowerCase() !== site.registry.toLowerCase()) {
      throw new InventoryError(
        `sites[${i}].parent`,
        `"${site.parent}" syncs from registry ${sites[parentIndex].registry}, not ${site.registry}; a child syncs from its parent's registry.`,
      );
    }
  });
  for (const registry of registries) {
    const members = sites.filter((s) => s.registry.toLowerCase() === registry.toLowerCase());
    if (members.length > MAX_SITES_PER_REGISTRY) {
      throw new InventoryError(
        `sites[${sites.indexOf(members[MAX_SITES_PER_REGISTRY])}].registry`,
        `registry ${registry} already has ${MAX_SITES_PER_REGISTRY} connected registries (Azure's limit); add a registry to registries and name it here.`,
      );
    }
  }
  return { registries, sites };
}
