/**
 * The resource options the engine receives for each registration, which Pulumi mocks do not pass to
 * `newResource` (mocks see type, name, inputs and provider only). This wraps the mock monitor's
 * `registerResource` and reads the options from the RegisterResource request itself — the same message the
 * real engine gets — so tests can assert that `protect`, `retainOnDelete`, `ignoreChanges`, `customTimeouts`,
 * the parent and the transforms reach the right children.
 *
 * Use after `./mocks` (and again after any `installMocks`): `const registrations = recordRegistrations();`.
 */
import * as settings from "@pulumi/pulumi/runtime/settings";

/** What one RegisterResource request carried. */
export interface Registration {
  type: string;
  name: string;
  /** The URN the (mock) engine answered with; empty until it has answered. */
  urn: string;
  /** The URN of the parent (empty for the stack itself). */
  parent: string;
  custom: boolean;
  protect: boolean | undefined;
  retainOnDelete: boolean | undefined;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  customTimeouts: { create: string; update: string; delete: string } | undefined;
  /** Number of transform callbacks registered on this resource itself. */
  transforms: number;
}

/** The registrations recorded since the last `clear()`, with lookups. */
export class Registrations {
  readonly all: Registration[] = [];
  clear(): void {
    this.all.length = 0;
  }
  /** The one registration of `type` named `name`; throws when there is none. */
  get(type: string, name: string): Registration {
    const found = this.all.find((r) => r.type === type && r.name === name);
    if (!found) {
      throw new Error(`no registration of ${type} named "${name}"`);
    }
    return found;
  }
  ofType(type: string): Registration[] {
    return this.all.filter((r) => r.type === type);
  }
}

const patched = new WeakMap<object, Registrations>();

/** Starts recording the options of every registration on the current (mock) monitor. */
export function recordRegistrations(): Registrations {
  const monitor = settings.getMonitor() as unknown as {
    registerResource(req: any, callback: (...args: any[]) => void): unknown;
  };
  const existing = patched.get(monitor);
  if (existing) {
    return existing;
  }
  const registrations = new Registrations();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (...args: any[]) => void) => {
    const timeouts = req.getCustomtimeouts();
    const registration: Registration = {
      type: req.getType(),
      name: req.getName(),
      urn: "",
      parent: req.getParent(),
      custom: req.getCustom(),
      protect: req.hasProtect() ? req.getProtect() : undefined,
      retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      ignoreChanges: req.getIgnorechangesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      customTimeouts: timeouts
        ? { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() }
        : undefined,
      transforms: req.getTransformsList().length,
    };
    registrations.all.push(registration);
    return original(req, (error: unknown, response: { getUrn(): string } | undefined) => {
      registration.urn = response?.getUrn() ?? "";
      callback(error, response);
    });
  };
  patched.set(monitor, registrations);
  return registrations;
}
