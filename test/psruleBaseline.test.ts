/**
 * PSRule for Azure's container registry rules (Azure/PSRule.Rules.Azure: `src/PSRule.Rules.Azure/rules/Azure.ACR.Rule.yaml`
 * at 64a1e0d8, `Azure.ACR.Rule.ps1` at 1ff45e03, and `docs/en/rules/Azure.ACR.*.md`) as the baseline of
 * `ContainerRegistry`: each rule's condition is written out below from the rule source and judged on the
 * `Microsoft.ContainerRegistry/registries` definition the component registers (azure-native inputs are the ARM
 * `properties`, plus `sku` and the name), under mocks. The default registry passes every GA rule that can be judged from
 * the definition, except the documented exceptions (docs/components.md, "PSRule for Azure baseline"), and each
 * exception passes with the argument the table names.
 */
import { cloud, resetCloud, settle, SUBSCRIPTION_ID } from "./harness/mocks";
import * as fs from "node:fs";
import * as path from "node:path";
import { ContainerRegistry, ContainerRegistryArgs, NetworkDefaultAction, RegistrySku } from "../components";

type Outcome = "Pass" | "Fail" | "None";
const REGISTRY = "azure-native:containerregistry:Registry";

/** What a rule sees: the registry's definition and the other resources of the deployment (sub-resources). */
interface Target {
  props: Record<string, any>;
  id: string;
  others: { type: string; inputs: Record<string, any> }[];
}

const premium = (t: Target) => t.props.sku?.name === "Premium";
const standardOrPremium = (t: Target) => ["Standard", "Premium"].includes(t.props.sku?.name);
const pass = (ok: boolean): Outcome => (ok ? "Pass" : "Fail");
/** PSRule's `hasDefault: false`: the field is absent (the ARM default, false) or false. */
const hasDefaultFalse = (value: unknown) => value === undefined || value === false;

/** One rule: id, reference, release as read, and its condition (`None` = not applicable, PSRule's selector/where). */
interface Rule {
  id: string;
  ref: string;
  release: "GA" | "preview" | "—";
  judge: (t: Target) => Outcome;
}

const rules: Rule[] = [
  // yaml: condition field Properties.adminUserEnabled hasDefault false.
  {
    id: "Azure.ACR.AdminUser",
    ref: "AZR-000005",
    release: "GA",
    judge: (t) => pass(hasDefaultFalse(t.props.adminUserEnabled)),
  },
  // yaml: sku.name in [Premium, Standard].
  { id: "Azure.ACR.MinSku", ref: "AZR-000006", release: "GA", judge: (t) => pass(standardOrPremium(t)) },
  // yaml: name 5-50 characters, ^[a-zA-Z0-9]*$.
  {
    id: "Azure.ACR.Name",
    ref: "AZR-000007",
    release: "GA",
    judge: (t) => pass(/^[a-zA-Z0-9]{5,50}$/.test(String(t.props.registryName))),
  },
  // yaml: with IsPremiumSKU, where encryption.keyVaultProperties.identity does not exist, trustPolicy.status enabled.
  {
    id: "Azure.ACR.ContentTrust",
    ref: "AZR-000009",
    release: "GA",
    judge: (t) =>
      !premium(t) || t.props.encryption?.keyVaultProperties?.identity !== undefined
        ? "None"
        : pass(t.props.policies?.trustPolicy?.status === "enabled"),
  },
  // yaml: with IsPremiumSKU, publicNetworkAccess Disabled or networkRuleSet.defaultAction Deny.
  {
    id: "Azure.ACR.Firewall",
    ref: "AZR-000402",
    release: "GA",
    judge: (t) =>
      !premium(t)
        ? "None"
        : pass(t.props.publicNetworkAccess === "Disabled" || t.props.networkRuleSet?.defaultAction === "Deny"),
  },
  // ps1: passes when there are no replications, else each replica's location must be allowed.
  {
    id: "Azure.ACR.ReplicaLocation",
    ref: "AZR-000494",
    release: "GA",
    judge: (t) => pass(t.others.every((r) => r.type !== "azure-native:containerregistry:Replication")),
  },
  // yaml (preview): with Standard or Premium, anonymousPullEnabled hasDefault false.
  {
    id: "Azure.ACR.AnonymousAccess",
    ref: "AZR-000401",
    release: "preview",
    judge: (t) => (!standardOrPremium(t) ? "None" : pass(hasDefaultFalse(t.props.anonymousPullEnabled))),
  },
  // yaml (preview): with IsPremiumSKU, retentionPolicy.status enabled.
  {
    id: "Azure.ACR.Retention",
    ref: "AZR-000010",
    release: "preview",
    judge: (t) => (!premium(t) ? "None" : pass(t.props.policies?.retentionPolicy?.status === "enabled")),
  },
  // ps1 (preview): only without replications and with the retention policy at its default (disabled); then the
  // soft delete policy is enabled with retentionDays set.
  {
    id: "Azure.ACR.SoftDelete",
    ref: "AZR-000310",
    release: "preview",
    judge: (t) => {
      const retention = t.props.policies?.retentionPolicy?.status ?? "disabled";
      if (retention !== "disabled" || t.others.some((r) => r.type === "azure-native:containerregistry:Replication")) {
        return "None";
      }
      const soft = t.props.policies?.softDeletePolicy;
      return pass(soft?.status === "enabled" && soft?.retentionDays !== undefined);
    },
  },
  // yaml (preview): quarantinePolicy.status enabled.
  {
    id: "Azure.ACR.Quarantine",
    ref: "AZR-000008",
    release: "preview",
    judge: (t) => pass(t.props.policies?.quarantinePolicy?.status === "enabled"),
  },
  // docs/en/rules/Azure.ACR.AuditLogs.md (2026-03-25; newer than the rule file read, ref not in it): a diagnostic
  // setting on the registry with ContainerRegistryLoginEvents and ContainerRegistryRepositoryEvents enabled, or the
  // audit / allLogs category group.
  {
    id: "Azure.ACR.AuditLogs",
    ref: "—",
    release: "—",
    judge: (t) => {
      const settings = t.others.filter(
        (r) => r.type === "azure-native:monitor:DiagnosticSetting" && r.inputs.resourceUri === t.id,
      );
      const logs = settings.flatMap((s) => (s.inputs.logs ?? []).filter((l: any) => l.enabled === true));
      const has = (category: string) => logs.some((l: any) => l.category === category);
      const group = logs.some((l: any) => ["audit", "allLogs"].includes(l.categoryGroup));
      return pass(group || (has("ContainerRegistryLoginEvents") && has("ContainerRegistryRepositoryEvents")));
    },
  },
  // docs/en/rules/Azure.ACR.ExportPolicy.md (2025-09-21; ref not in the rule file read): Premium, exports disabled
  // on a registry whose public network access is disabled.
  {
    id: "Azure.ACR.ExportPolicy",
    ref: "—",
    release: "—",
    judge: (t) =>
      !premium(t)
        ? "None"
        : pass(t.props.policies?.exportPolicy?.status === "disabled" && t.props.publicNetworkAccess === "Disabled"),
  },
];

/**
 * GA rules that are not judged from the definition (PSRule runs them only on exported, in-flight data): Usage,
 * ContainerScan, ImageHealth, GeoReplica (`-If { IsExport }` in the ps1). Listed in the docs table as such.
 */
const inFlightOnly = ["Azure.ACR.Usage", "Azure.ACR.ContainerScan", "Azure.ACR.ImageHealth", "Azure.ACR.GeoReplica"];

/** The documented exceptions: the default fails them, and the argument named in the docs makes them pass. */
const exceptions = [
  "Azure.ACR.ContentTrust",
  "Azure.ACR.Firewall",
  "Azure.ACR.AuditLogs",
  "Azure.ACR.ExportPolicy",
  "Azure.ACR.Quarantine",
];

const SUB = SUBSCRIPTION_ID;
const subnet = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub/subnets/snet-pe`;
const workspace = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law`;
const identity = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-acr`;

/** Builds a registry under mocks and judges every rule on what it registered. */
async function judge(args: Partial<ContainerRegistryArgs> = {}): Promise<Record<string, Outcome>> {
  resetCloud();
  new ContainerRegistry("psruleacr", { resourceGroupName: "rg", ...args });
  await settle();
  const registry = cloud.get(REGISTRY, "psruleacr");
  const target: Target = {
    props: registry.inputs,
    id: registry.id,
    others: cloud.resources.filter((r) => r !== registry).map((r) => ({ type: r.type, inputs: r.inputs })),
  };
  return Object.fromEntries(rules.map((rule) => [rule.id, rule.judge(target)]));
}

it("the default registry passes every rule judged from its definition, except the documented exceptions", async () => {
  const outcomes = await judge();
  expect(outcomes).toEqual({
    "Azure.ACR.AdminUser": "Pass",
    "Azure.ACR.MinSku": "Pass",
    "Azure.ACR.Name": "Pass",
    "Azure.ACR.ContentTrust": "Fail", // exception: content trust is deprecated by ACR (platform-facts §5)
    "Azure.ACR.Firewall": "Fail", // exception: edge sites sync over the internet unless private connectivity exists
    "Azure.ACR.ReplicaLocation": "Pass",
    "Azure.ACR.AnonymousAccess": "Pass",
    "Azure.ACR.Retention": "Pass",
    "Azure.ACR.SoftDelete": "None", // not applicable while the retention policy is on (they exclude each other)
    "Azure.ACR.Quarantine": "Fail", // exception: quarantine blocks pulls (platform-facts §5)
    "Azure.ACR.AuditLogs": "Fail", // exception: needs a destination the user owns (diagnostics)
    "Azure.ACR.ExportPolicy": "Fail", // exception: needs public network access disabled
  });
  const failing = Object.entries(outcomes)
    .filter(([, outcome]) => outcome === "Fail")
    .map(([id]) => id);
  expect(failing.filter((id) => !exceptions.includes(id))).toEqual([]);
});

describe("each exception passes (or stops applying) with the argument the docs name", () => {
  it("Azure.ACR.Firewall (AZR-000402): networkRules with the sites' egress addresses (defaultAction Deny)", async () => {
    expect((await judge({ networkRules: { ipRules: ["203.0.113.0/24"] } }))["Azure.ACR.Firewall"]).toBe("Pass");
  });

  it("Azure.ACR.Firewall (AZR-000402): publicNetworkAccessEnabled false with privateEndpoints", async () => {
    const outcomes = await judge({ publicNetworkAccessEnabled: false, privateEndpoints: [{ subnetId: subnet }] });
    expect(outcomes["Azure.ACR.Firewall"]).toBe("Pass");
  });

  it("Azure.ACR.Firewall stays failed with an explicit Allow", async () => {
    const outcomes = await judge({ networkRules: { defaultAction: NetworkDefaultAction.Allow } });
    expect(outcomes["Azure.ACR.Firewall"]).toBe("Fail");
  });

  it("Azure.ACR.ContentTrust (AZR-000009): not applicable with customerManagedKey", async () => {
    const outcomes = await judge({
      customerManagedKey: {
        keyUri: "https://kv-edge.vault.azure.net/keys/acr",
        identityId: identity,
        identityClientId: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
      },
    });
    expect(outcomes["Azure.ACR.ContentTrust"]).toBe("None");
  });

  it("Azure.ACR.AuditLogs: diagnostics", async () => {
    expect((await judge({ diagnostics: { workspaceId: workspace } }))["Azure.ACR.AuditLogs"]).toBe("Pass");
  });

  it("Azure.ACR.SoftDelete (AZR-000310) passes with softDelete, and then Azure.ACR.Retention (AZR-000010) fails: Azure keeps only one on", async () => {
    const outcomes = await judge({ softDelete: 14 });
    expect(outcomes["Azure.ACR.SoftDelete"]).toBe("Pass");
    expect(outcomes["Azure.ACR.Retention"]).toBe("Fail");
  });

  it("Azure.ACR.MinSku (AZR-000006) fails on Basic, Azure.ACR.Name (AZR-000007) can never fail (the name is validated)", async () => {
    expect((await judge({ sku: RegistrySku.Basic, dataEndpointEnabled: false }))["Azure.ACR.MinSku"]).toBe("Fail");
    expect((await judge({ registryName: "Edge01Registry" }))["Azure.ACR.Name"]).toBe("Pass");
  });
});

it("docs/components.md has a row for every rule, with its ref and default outcome", async () => {
  const docs = fs.readFileSync(path.join(__dirname, "..", "docs", "components.md"), "utf8");
  const outcomes = await judge();
  for (const rule of rules) {
    const row = docs.split("\n").find((line) => line.startsWith(`| \`${rule.id}\``));
    expect([rule.id, row !== undefined]).toEqual([rule.id, true]);
    const cells = row!.split("|").map((cell) => cell.trim());
    expect([rule.id, cells[2], cells[3]]).toEqual([rule.id, rule.ref, rule.release]);
    const expected = { Pass: "passes", Fail: "fails", None: "not applicable" }[outcomes[rule.id]];
    expect([rule.id, cells[4].startsWith(expected)]).toEqual([rule.id, true]);
  }
  for (const id of inFlightOnly) {
    expect(docs).toContain(`| \`${id}\``);
  }
});
