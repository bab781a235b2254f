/**
 * Records the dependency graph the program declares, as the engine receives it: for every registration, its
 * URN and the URNs it waits for: its parent, `dependsOn` (expanded by the SDK) and every input's resource dependencies.
 * The mocks' `newResource` does not see dependencies, so this taps the mock monitor's raw requests (import it
 * after `test/mocks`).
 *
 * {@link criticalPathSeconds} then gives the deployment time the engine would need with unlimited parallelism:
 * each resource finishes its own provisioning time after the last of its dependencies — independent of the CPU
 * time the program itself takes, which a scaled-down wall-clock simulation cannot separate.
 */
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

/** One registration as the engine would receive it. */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  /** The parent's URN, or "" at the top of the stack. */
  parent: string;
  custom: boolean;
  /** Everything it waits for: parent, `dependsOn` and the inputs' resource dependencies. */
  dependencies: string[];
  /** Per top-level input property, the URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** The request's own dependency list: `dependsOn` (components expanded) and every property dependency. */
  requestDependencies: string[];
}

const registrations: Registration[] = [];

interface RawRegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(f: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
}

const monitor = MockMonitor.prototype as unknown as {
  registerResource(req: RawRegisterRequest, callback: unknown): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
};
const original = monitor.registerResource;
monitor.registerResource = function (this: typeof monitor, req: RawRegisterRequest, callback: unknown) {
  // The parent counts too: a child registers only once its parent's URN is known, and a component registers
  // only after its own `dependsOn`, so a component's dependencies hold back all of its children.
  const dependencies = new Set([req.getParent(), ...req.getDependenciesList()].filter((urn) => urn !== ""));
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((value, key) => {
    propertyDependencies[key] = value.getUrnsList();
    value.getUrnsList().forEach((urn) => dependencies.add(urn));
  });
  registrations.push({
    urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent(),
    custom: req.getCustom(),
    dependencies: [...dependencies],
    propertyDependencies,
    requestDependencies: req.getDependenciesList(),
  });
  return original.call(this, req, callback);
};

/** The registrations recorded so far, in the order the engine received them. */
export function recordedRegistrations(): readonly Registration[] {
  return registrations;
}

/** Forgets the recorded graph. */
export function resetGraph(): void {
  registrations.length = 0;
}

/** The longest chain of provisioning times (seconds per type, 0 for others) through the recorded graph. */
export function criticalPathSeconds(seconds: Record<string, number>): { total: number; chain: string[] } {
  const finish = new Map<string, { at: number; chain: string[] }>();
  let last = { at: 0, chain: [] as string[] };
  for (const { urn, type, dependencies } of registrations) {
    const before = dependencies
      .map((dependency) => finish.get(dependency) ?? { at: 0, chain: [] })
      .reduce((a, b) => (b.at > a.at ? b : a), { at: 0, chain: [] as string[] });
    const own = seconds[type] ?? 0;
    const done = {
      at: before.at + own,
      chain: own > 0 ? [...before.chain, `${type.split(":").pop()} ${own}s`] : before.chain,
    };
    finish.set(urn, done);
    if (done.at > last.at) {
      last = done;
    }
  }
  return { total: last.at, chain: last.chain };
}
