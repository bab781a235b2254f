/**
 * The Pulumi ESC templates of a fleet (fleet/esc): login → region → site, imported in that order, and every value
 * they feed is a key its reader knows: `azure-native:<key>` and `ARM_*` from azure-native's login table (as
 * components/operations/login.ts lists it), `edge-registry-site:<key>` from the root program's keys and allowed
 * with `hubStack` (no cloud-side key in a site), the site stack file naming its environment.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { yaml } from "../plan/program";
import { loginSettings } from "../components/operations/login";
import { siteConfigKeys } from "../program/siteConfig";
import { hubOwnedKeys } from "../fleet/site";

const dir = path.join(__dirname, "..", "fleet", "esc");
interface Environment {
  imports?: string[];
  values: { pulumiConfig?: Record<string, unknown>; environmentVariables?: Record<string, unknown> };
}
const load = (file: string) => yaml.load(fs.readFileSync(path.join(dir, file), "utf8")) as Environment;
const login = load("azure-login.yaml");
const region = load("region-eastus.yaml");
const site = load("site-store001.yaml");
const hub = load("hub.yaml");

it("imports login → region → site", () => {
  expect(login.imports).toBeUndefined();
  expect(region.imports).toEqual(["edge-fleet/azure-login"]);
  expect(site.imports).toEqual(["edge-fleet/region-eastus"]);
  expect(hub.imports).toEqual(["edge-fleet/azure-login"]);
  const stack = yaml.load(fs.readFileSync(path.join(dir, "Pulumi.store001.yaml"), "utf8")) as { environment: string[] };
  expect(stack.environment).toEqual(["edge-fleet/site-store001"]);
});

it("logs in with OIDC in azure-native's own settings and variables", () => {
  const azureKeys: string[] = Object.values(loginSettings).map((s) => `azure-native:${s.key}`);
  const envNames: string[] = Object.values(loginSettings).flatMap((s) => [...s.env]);
  const config = login.values.pulumiConfig ?? {};
  expect(Object.keys(config).filter((k) => !azureKeys.includes(k))).toEqual([]);
  expect(config["azure-native:useOidc"]).toBe(true);
  expect(Object.keys(login.values.environmentVariables ?? {}).filter((k) => !envNames.includes(k))).toEqual([]);
  expect(login.values.environmentVariables?.ARM_OIDC_TOKEN).toBe("${azure.login.oidc.token}");
  // No static secret anywhere.
  expect(JSON.stringify(login)).not.toMatch(/clientSecret|ARM_CLIENT_SECRET/);
});

it("feeds only keys the site program reads with hubStack", () => {
  for (const environment of [region, site]) {
    const keys = Object.keys(environment.values.pulumiConfig ?? {});
    expect(keys.every((k) => k.startsWith("edge-registry-site:"))).toBe(true);
    const local = keys.map((k) => k.slice("edge-registry-site:".length));
    expect(local.filter((k) => !(siteConfigKeys as readonly string[]).includes(k))).toEqual([]);
    expect(local.filter((k) => (hubOwnedKeys as readonly string[]).includes(k))).toEqual([]);
  }
  expect(region.values.pulumiConfig?.["edge-registry-site:hubStack"]).toBe("${region.hubStack}");
});
