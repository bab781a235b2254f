/**
 * The hub program of a fleet: the cloud side of every site from the inventory in stack config. See docs/fleet.md,
 * and `Pulumi.example.yaml` next to this file.
 */
import * as pulumi from "@pulumi/pulumi";
import { deployHub } from "./hub";

const hub = deployHub(new pulumi.Config());

export const sites = hub.sites;
export const siteSecrets = hub.siteSecrets;
export const registryLoginServers = hub.registryLoginServers;
