/**
 * examples/landing-zone: evaluated under mocks (what it registers, against the policy pack and the PSRule firewall and
 * audit-log conditions) and planned offline as users run it (`npm run plan -- examples/landing-zone`).
 */
import { cloud, resetCloud, settle, unwrap } from "./harness/mocks";
import { execFile } from "node:child_process";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { Violation, evaluateWithPolicies, mandatory } from "./harness/policyHarness";

const repo = path.resolve(__dirname, "..");
const REGISTRY = "azure-native:containerregistry:Registry";

let program: { privateDnsRecords: pulumi.Output<{ fqdn: string; ipAddresses: string[] }[]> };
let violations: Violation[];

beforeAll(async () => {
  resetCloud();
  ({ violations } = await evaluateWithPolicies(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    program = require("../examples/landing-zone/index.ts");
  }));
  await settle();
}, 60000);

it("registers the registry with network rules, a private endpoint in the zone, diagnostics, a lock and a connected registry", async () => {
  expect(cloud.countsByType()).toMatchObject({
    [REGISTRY]: 1,
    "azure-native:network:PrivateEndpoint": 1,
    "azure-native:network:PrivateDnsZoneGroup": 1,
    "azure-native:monitor:DiagnosticSetting": 1,
    "azure-native:authorization:ManagementLockByScope": 1,
    "azure-native:containerregistry:ConnectedRegistry": 1,
  });
  const registry = cloud.ofType(REGISTRY)[0];
  expect(registry.inputs).toMatchObject({
    registryName: "mylzacrregistry",
    sku: { name: "Premium" },
    dataEndpointEnabled: true,
    networkRuleBypassOptions: "AzureServices",
    networkRuleSet: { defaultAction: "Deny", ipRules: [{ action: "Allow", iPAddressOrRange: "203.0.113.0/28" }] },
  });
  const subnet = cloud.ofType("azure-native:network:Subnet")[0];
  const zone = cloud.ofType("azure-native:privatedns:PrivateZone")[0];
  const endpoint = cloud.get("azure-native:network:PrivateEndpoint", "registry-pe-hub");
  expect(endpoint.inputs.subnet.id).toBe(subnet.id);
  expect(endpoint.inputs.privateLinkServiceConnections[0]).toMatchObject({
    privateLinkServiceId: registry.id,
    groupIds: ["registry"],
  });
  expect(zone.inputs.privateZoneName).toBe("privatelink.azurecr.io");
  expect(cloud.get("azure-native:network:PrivateDnsZoneGroup", "registry-pe-hub-dns").inputs).toMatchObject({
    privateEndpointName: endpoint.state.name,
    privateDnsZoneConfigs: [{ privateDnsZoneId: zone.id }],
  });
  expect(cloud.get("azure-native:monitor:DiagnosticSetting", "registry-diagnostics").inputs).toMatchObject({
    resourceUri: registry.id,
    workspaceId: cloud.ofType("azure-native:operationalinsights:Workspace")[0].id,
  });
  expect(cloud.get("azure-native:authorization:ManagementLockByScope", "registry-lock").inputs).toMatchObject({
    scope: registry.id,
    level: "CanNotDelete",
  });
  expect((await unwrap(program.privateDnsRecords)).map((r) => r.fqdn)).toEqual([
    "mylzacrregistry.azurecr.io",
    "mylzacrregistry.eastus.data.azurecr.io",
  ]);
  expect(cloud.duplicateUrns).toEqual([]);
});

it("passes every mandatory policy and, unlike a plain registry, the firewall and audit-log advisories", () => {
  expect(mandatory(violations)).toEqual([]);
  const advisories = violations.map((v) => v.policy);
  expect(advisories).not.toContain("acr-public-network-restricted");
  expect(advisories).not.toContain("acr-audit-logs");
});

it("plans offline with npm run plan", async () => {
  const env = { ...process.env };
  delete env.INIT_CWD;
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        "-r",
        path.join(repo, "bin", "register.js"),
        path.join(repo, "bin", "plan.ts"),
        path.join(repo, "examples", "landing-zone"),
      ],
      { cwd: repo, env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  expect([run.code, run.stderr]).toEqual([0, ""]);
  for (const line of [
    "+ azure-native:network:PrivateEndpoint  registry-pe-hub\n",
    "+ azure-native:network:PrivateDnsZoneGroup  registry-pe-hub-dns\n",
    "+ azure-native:monitor:DiagnosticSetting  registry-diagnostics\n",
    "+ azure-native:authorization:ManagementLockByScope  registry-lock\n",
  ]) {
    expect(run.stdout).toContain(line);
  }
  expect(run.stdout).toMatch(/\+ 20 to create/);
  expect(run.stdout).toContain("connectionString: [secret]");
}, 60000);
