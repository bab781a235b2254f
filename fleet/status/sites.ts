/**
 * The sites of `fleet status`, from the hub file (its stack outputs or its stack config), and the `azure-native:*`
 * login settings of a hub stack config.
 */
import * as fs from "node:fs";
import { loginSettings } from "../../components/operations/login";
import { DEFAULT_RELEASE_TRAIN, InventoryError, parseInventory } from "../hub/inventory";
import { yaml } from "../../plan/program";
import { type Document, FleetError, isObject, type StatusSite } from "./model";

/**
 * The `azure-native:*` settings of a hub stack config, for the login. An encrypted value (`secure: v1:…`, as
 * `pulumi config set --secret` writes it) cannot be read here: it is taken from its `ARM_*` variable when that is
 * set, and is otherwise an error naming the key, never dropped (dropping it would log in as someone else).
 */
export function azureConfigOf(config: Document, file: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!key.startsWith("azure-native:")) {
      continue;
    }
    const name = key.slice("azure-native:".length);
    if (isObject(value) && "secure" in value) {
      const variables: readonly string[] =
        (loginSettings as Record<string, { env: readonly string[] }>)[name]?.env ?? [];
      if (variables.some((v) => (env[v] ?? "") !== "")) {
        continue; // Provided by its variable: the login reads it from there.
      }
      const ways = [
        ...variables.map((v) => `set ${v}`),
        `put the plain value in ${file} (pulumi config set ${key} <value>, without --secret)`,
      ];
      throw new FleetError(
        `${key} in ${file} is encrypted (secure: …), and fleet status cannot decrypt stack secrets; rather than log in without it (as another identity), it stops: ${ways.join(", or ")}.`,
      );
    }
    if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") {
      settings[name] = String(value);
    }
  }
  return settings;
}

/**
 * Reads the sites from `file`: the hub's stack outputs (`pulumi stack output --json`, its `sites` map) or the hub's
 * stack config (`Pulumi.<stack>.yaml`: `registries`, `resourceGroupName`, `sites`). Also returns the
 * `azure-native:*` settings of a stack config (see {@link azureConfigOf}). An empty fleet is an error.
 */
export function loadSites(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): { sites: StatusSite[]; azureConfig: Record<string, string> } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new FleetError(`--hub ${file}: ${(error as Error).message}`);
  }
  const parsed = yaml.load(text);
  if (!isObject(parsed)) {
    throw new FleetError(
      `${file}: neither hub stack outputs (pulumi stack output --json) nor a hub stack config file.`,
    );
  }
  if (isObject(parsed.sites)) {
    const sites = Object.entries(parsed.sites as Record<string, Record<string, string>>).map(
      ([name, s]): StatusSite => {
        const id = /^\/subscriptions\/([^/]+)\//i.exec(s.connectedRegistryId ?? "");
        return {
          name,
          subscriptionId: id?.[1],
          resourceGroupName: s.resourceGroupName,
          registryName: s.registryName,
          connectedRegistryName: s.connectedRegistryName ?? name,
          clusterName: s.clusterName,
          clusterResourceGroupName: s.clusterResourceGroupName ?? s.resourceGroupName,
          clusterType: s.clusterType ?? "ConnectedClusters",
          wave: s.wave ?? "rest",
          releaseTrain: s.releaseTrain ?? DEFAULT_RELEASE_TRAIN,
          extensionVersion: s.extensionVersion,
        };
      },
    );
    if (sites.length === 0) {
      throw new FleetError(`${file}: the hub has no sites (its "sites" output is empty); add sites to its inventory.`);
    }
    return { sites, azureConfig: {} };
  }
  const config = isObject(parsed.config) ? parsed.config : {};
  const key = (name: string) =>
    Object.keys(config).find((k) => k.endsWith(`:${name}`) && !k.startsWith("azure-native:"));
  const sitesKey = key("sites");
  if (sitesKey === undefined) {
    throw new FleetError(`${file}: no "sites" (hub stack outputs) and no "<project>:sites" config (hub stack config).`);
  }
  const project = sitesKey.slice(0, -":sites".length);
  const resourceGroupName = config[`${project}:resourceGroupName`];
  if (typeof resourceGroupName !== "string") {
    throw new FleetError(`${file}: ${project}:resourceGroupName is required.`);
  }
  const subscriptionId = config[`${project}:subscriptionId`];
  let inventory;
  try {
    inventory = parseInventory(config[`${project}:registries`], config[sitesKey]);
  } catch (error) {
    throw error instanceof InventoryError ? new FleetError(error.message) : error;
  }
  const azureConfig = azureConfigOf(config, file, env);
  const sites = inventory.sites.map((s): StatusSite => ({
    name: s.name,
    subscriptionId: typeof subscriptionId === "string" ? subscriptionId : undefined,
    resourceGroupName,
    registryName: s.registry,
    connectedRegistryName: s.name,
    clusterName: s.clusterName,
    clusterResourceGroupName: s.clusterResourceGroupName ?? resourceGroupName,
    clusterType: s.clusterType,
    wave: s.wave,
    releaseTrain: s.releaseTrain,
    extensionVersion: s.extensionVersion,
  }));
  return { sites, azureConfig };
}
