/**
 * Which changed properties force a resource to be replaced (deleted and created again) rather than updated,
 * for the offline plan diff, so a pull request shows replacements and the property that causes each.
 *
 * Sources, in the order they apply:
 * - the resource's own `replaceOnChanges` option (as the engine receives it);
 * - azure-native: the resource's URL path parameters. A different path is a different Azure resource, so the
 *   provider replaces. They are read from the package itself: each resource's `get<Resource>` function invokes
 *   `azure-native:<module>:get<Resource>` with exactly those parameters (`@pulumi/azure-native/<module>/get<Resource>.js`).
 *   Create-only body properties (x-ms-mutability without `update`) also force replacement in the provider, but
 *   that metadata is compiled into the provider plugin and not shipped in the npm package: not reported.
 * - kubernetes: `metadata.name`, `metadata.namespace` and the per-kind table of pulumi-kubernetes'
 *   `provider/pkg/provider/diff.go` (`forceNewProperties`), which is Go code inside the plugin, not shipped in
 *   the npm package; the kinds this package creates are copied below with the commit they come from.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Why a changed property forces a replacement. */
export interface ForcedChange {
  /** The changed property path, as the diff prints it. */
  path: string;
  /** Where the rule comes from. */
  source: string;
}

/**
 * pulumi-kubernetes `forceNewProperties` (provider/pkg/provider/diff.go at commit 00302beb58ae, Apache-2.0),
 * for the kinds edge-registry creates; `[*]` matches any list index. Every kind also has `.metadata.name` and
 * `.metadata.namespace`.
 */
const kubernetesForceNew: { [kind: string]: string[] } = {
  "core/v1:ConfigMap": [".binaryData", ".data"],
  "core/v1:Secret": [".type", ".stringData", ".data"],
  "core/v1:Service": [".spec.clusterIP"],
  "apps/v1:Deployment": [".spec.selector"],
  "apps/v1:DaemonSet": [".spec.selector"],
  "apps/v1:StatefulSet": [
    ".spec.podManagementPolicy",
    ".spec.revisionHistoryLimit",
    ".spec.selector",
    ".spec.serviceName",
    ".spec.volumeClaimTemplates",
  ],
  "batch/v1:Job": [".spec.completions", ".spec.parallelism", ".spec.selector", ".spec.template"],
};
const kubernetesSource = "kubernetes provider (pulumi-kubernetes forceNewProperties)";

/** `a.b[3]["x.y"]` → segments `a`, `b`, `[*]`, `x.y`. */
function segments(property: string): string[] {
  const result: string[] = [];
  const pattern = /\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+|\*)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(property)) !== null) {
    if (match[1] !== undefined) {
      result.push(match[1]);
    } else if (match[2] !== undefined) {
      result.push("[*]");
    } else {
      result.push(JSON.parse(match[3]) as string);
    }
  }
  return result;
}

/** Whether `changed` is `rule` or lies under it (list indexes match `[*]`). */
export function underPath(changed: string, rule: string): boolean {
  const [c, r] = [segments(changed), segments(rule)];
  return r.length > 0 && r.length <= c.length && r.every((segment, i) => segment === c[i]);
}

const pathParameterCache = new Map<string, string[]>();

/** The URL path parameters of an azure-native resource type, from its `get<Resource>` invoke; [] when unknown. */
export function azureNativePathParameters(type: string): string[] {
  const cached = pathParameterCache.get(type);
  if (cached) {
    return cached;
  }
  const match = /^azure-native:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(type);
  let parameters: string[] = [];
  if (match) {
    const [, module, resource] = match;
    const root = path.dirname(require.resolve("@pulumi/azure-native/package.json"));
    const file = path.join(root, module, `get${resource}.js`);
    if (fs.existsSync(file)) {
      const source = fs.readFileSync(file, "utf8");
      const invoke = new RegExp(`invoke(?:Output)?\\("azure-native:${module}:get${resource}", \\{([^}]*)\\}`).exec(
        source,
      );
      parameters = invoke ? [...invoke[1].matchAll(/"([A-Za-z0-9]+)":/g)].map((m) => m[1]).sort() : [];
    }
  }
  pathParameterCache.set(type, parameters);
  return parameters;
}

/** The changed properties of a resource of `type` that force its replacement, with the rule's source. */
export function forcedChanges(type: string, changedPaths: readonly string[], replaceOnChanges: readonly string[] = []) {
  const forced: ForcedChange[] = [];
  const kubernetes = /^kubernetes:(.+)$/.exec(type);
  const rules: { rule: string; source: string }[] = [
    ...replaceOnChanges.map((rule) => ({ rule, source: "replaceOnChanges option" })),
    ...azureNativePathParameters(type).map((rule) => ({ rule, source: "azure-native (URL path parameter)" })),
    ...(kubernetes
      ? [".metadata.name", ".metadata.namespace", ...(kubernetesForceNew[kubernetes[1]] ?? [])].map((rule) => ({
          rule,
          source: kubernetesSource,
        }))
      : []),
  ];
  for (const changed of changedPaths) {
    const rule = rules.find((r) => underPath(changed, r.rule));
    if (rule) {
      forced.push({ path: changed, source: rule.source });
    }
  }
  return forced;
}
