/**
 * What a deployment would store in clear text: every resource's inputs and every component's outputs
 * as the engine receives them, with secret values removed. `test/mocks.ts` records inputs with
 * secrets already unwrapped, so this module taps the mock monitor's raw requests instead.
 *
 * Import after `./mocks`; call {@link resetPlainState} in `beforeEach`, then search {@link plainState}.
 */
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { isSecretValue, revealSecrets } from "./secrets";

export { isSecretValue, revealSecrets };

interface RawRequest {
  getType?(): string;
  getName?(): string;
  getUrn?(): string;
  getObject?(): { toJavaScript(): unknown } | undefined;
  getOutputs?(): { toJavaScript(): unknown } | undefined;
}

/** One raw registration: `label` is `type::name` for resources, the URN for component outputs. */
export interface PlainRecord {
  label: string;
  /** The payload with every secret replaced by `"[secret]"`. */
  plain: unknown;
}

const records: PlainRecord[] = [];

/** Replaces every secret-wrapped value with the string `"[secret]"`. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutSecrets);
  }
  if (value && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (object[specialSigKey] === specialSecretSig) {
      return "[secret]";
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, withoutSecrets(v)]));
  }
  return value;
}

type Handler = (this: MockMonitor, req: RawRequest, callback: unknown) => unknown;
const prototype = MockMonitor.prototype as unknown as Record<string, Handler>;
type Payload = (req: RawRequest) => { label: string; struct?: { toJavaScript(): unknown } };
const payloads: Record<string, Payload> = {
  registerResource: (req) => ({ label: `${req.getType?.()}::${req.getName?.()}`, struct: req.getObject?.() }),
  registerResourceOutputs: (req) => ({ label: req.getUrn?.() ?? "", struct: req.getOutputs?.() }),
};
for (const [method, payload] of Object.entries(payloads)) {
  const original = prototype[method];
  prototype[method] = function (req, callback) {
    const { label, struct } = payload(req);
    records.push({ label, plain: withoutSecrets(struct?.toJavaScript()) });
    return original.call(this, req, callback);
  };
}

/** Forgets the recorded requests. */
export function resetPlainState(): void {
  records.length = 0;
}

/** Every recorded request since the last reset. */
export function plainRecords(): readonly PlainRecord[] {
  return records;
}

/** The labels of the recorded requests whose clear-text part contains `needle`. */
export function plainStateContaining(needle: string): string[] {
  return records.filter((r) => strings(r.plain).some((s) => s.includes(needle))).map((r) => r.label);
}

/** Every string (keys and values) inside a value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") {
    return [value];
  }
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  }
  return [];
}
