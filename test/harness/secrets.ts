/** Secret values as the mocks record them: wrapped as `{[specialSigKey]: specialSecretSig, value}`. */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/** The value with every secret wrapper removed, at any depth (for asserting what a secret holds). */
export function revealSecrets(value: any): any {
  if (Array.isArray(value)) {
    return value.map(revealSecrets);
  }
  if (value !== null && typeof value === "object") {
    if (value[specialSigKey] === specialSecretSig) {
      return revealSecrets(value.value);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
  }
  return value;
}

/** True when the recorded value is wrapped as a secret. */
export function isSecretValue(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as any)[specialSigKey] === specialSecretSig;
}
