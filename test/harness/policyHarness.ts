/**
 * Runs the CrossGuard policies of `policy/policies.ts` the way the policy runtime does — resource policies on
 * each resource's inputs, stack policies on all resources — without a `PolicyPack` (no gRPC server, no CLI).
 *
 * ```ts
 * import { cloud } from "./mocks";
 * import { evaluateWithPolicies, mandatory } from "./policyHarness";
 * const { violations } = await evaluateWithPolicies(() => require("../../examples/quickstart"));
 * expect(mandatory(violations)).toEqual([]);
 * ```
 */
import { cloud, resetCloud, settle } from "./mocks";
import {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationPolicy,
  StackValidationPolicy,
  unknownCheckingProxy,
} from "@pulumi/policy";
import { policies as packPolicies } from "../../policy/policies";

/** A resource to check: what the engine would pass the policies. */
export interface RawResource {
  type: string;
  name: string;
  /** Inputs (what resource policies see). */
  props: Record<string, any>;
  /** Outputs (what stack policies see); defaults to `props`. */
  outputs?: Record<string, any>;
  /** The provider's properties, e.g. `{ namespace: "apps" }` for a Kubernetes provider. */
  providerProps?: Record<string, any>;
}

/** One reported violation. */
export interface Violation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  /** The resource the violation is about (stack policies may report none). */
  urn?: string;
}

/** Options for {@link runPolicies}. */
export interface RunOptions {
  /** The policies to run (default: the whole pack). */
  policies?: (ResourceValidationPolicy | StackValidationPolicy)[];
  /** Config per policy name, as in `pulumi policy enable --config` (enforcementLevel overrides the level). */
  config?: Record<string, Record<string, any>>;
}

/** The URN the engine would give a top-level resource in stack `test` of project `edge-registry`. */
export function urnOf(resource: { type: string; name: string }): string {
  return `urn:pulumi:test::edge-registry::${resource.type}::${resource.name}`;
}

const defaultOpts: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

class NotApplicable extends Error {}

/** Runs one validation; `args.notApplicable()` ends it without a violation, as in the policy runtime. */
async function unlessNotApplicable(validate: () => unknown): Promise<void> {
  try {
    await validate();
  } catch (error) {
    if (!(error instanceof NotApplicable)) {
      throw error;
    }
  }
}

const isTypeOf = (type: string) => (cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType === type;

/** Runs every policy over `resources` and returns the violations (in policy order). */
export async function runPolicies(resources: RawResource[], options: RunOptions = {}): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of options.policies ?? packPolicies) {
    const { enforcementLevel: levelOverride, ...config } = options.config?.[policy.name] ?? {};
    const enforcementLevel: EnforcementLevel = levelOverride ?? policy.enforcementLevel ?? "advisory";
    if (enforcementLevel === "disabled") {
      continue;
    }
    const common = {
      stackTags: new Map<string, string>(),
      getConfig: <T extends object>() => config as T,
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };
    const report = (urn?: string) => (message: string, reportedUrn?: string) =>
      violations.push({ policy: policy.name, enforcementLevel, message, urn: reportedUrn ?? urn });
    if ("validateStack" in policy) {
      const stackResources: PolicyResource[] = resources.map((r) => {
        const props = unknownCheckingProxy(r.outputs ?? r.props);
        return {
          type: r.type,
          name: r.name,
          urn: urnOf(r),
          props,
          opts: defaultOpts,
          dependencies: [],
          propertyDependencies: {},
          isType: isTypeOf(r.type),
          asType: (cls: unknown) => (isTypeOf(r.type)(cls) ? (props as any) : undefined),
        };
      });
      await unlessNotApplicable(() => policy.validateStack({ ...common, resources: stackResources }, report()));
      continue;
    }
    const validations = [policy.validateResource ?? []].flat();
    for (const r of resources) {
      const props = unknownCheckingProxy(r.props);
      const args = {
        ...common,
        type: r.type,
        name: r.name,
        urn: urnOf(r),
        props,
        opts: defaultOpts,
        provider: r.providerProps && {
          type: "pulumi:providers:kubernetes",
          name: "provider",
          urn: "urn:pulumi:test::edge-registry::pulumi:providers:kubernetes::provider",
          props: r.providerProps,
        },
        isType: isTypeOf(r.type),
        asType: (cls: unknown) => (isTypeOf(r.type)(cls) ? (props as any) : undefined),
      };
      for (const validate of validations) {
        await unlessNotApplicable(() => validate(args, report(args.urn)));
      }
    }
  }
  return violations;
}

/** Only the mandatory violations. */
export function mandatory(violations: Violation[]): Violation[] {
  return violations.filter((v) => v.enforcementLevel === "mandatory");
}

/**
 * Evaluates a Pulumi program under the shared mocks (after `resetCloud()`, waiting for every registration) and
 * runs the policies over the custom resources it registered: inputs for resource policies, mocked outputs for
 * stack policies. Components themselves are not checked (the engine does not send them to analyzers either).
 */
export async function evaluateWithPolicies(
  program: () => unknown,
  options: RunOptions = {},
): Promise<{ resources: RawResource[]; violations: Violation[] }> {
  resetCloud();
  await program();
  await settle();
  const resources = cloud.resources
    .filter((r) => r.custom)
    .map((r) => ({ type: r.type, name: r.name, props: r.inputs, outputs: r.state }));
  return { resources, violations: await runPolicies(resources, options) };
}
