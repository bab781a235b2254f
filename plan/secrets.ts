/**
 * Secret config in the offline plan. Encrypted values (`secure:`) cannot be decrypted offline, so the plan gives
 * the program a placeholder. A placeholder must not be checked as the real value (a `privateKeyPem` placeholder
 * is no PEM key): the secret getters of `pulumi.Config` (`getSecret`, `requireSecret`, `...Object`, `...Number`,
 * `...Boolean`) return an unknown secret for such a key instead, as if the value were computed during
 * deployment, so components skip the checks they run once a value is known. A plain `config.get` of a secret key
 * still returns the placeholder string (it cannot return an unknown value).
 */
import * as pulumi from "@pulumi/pulumi";
import { SECRET_PLACEHOLDER } from "./program";

const SECRET_GETTERS = [
  "getSecret",
  "requireSecret",
  "getSecretBoolean",
  "requireSecretBoolean",
  "getSecretNumber",
  "requireSecretNumber",
  "getSecretObject",
  "requireSecretObject",
] as const;

/** An Output that is secret and unknown (what preview shows for a secret computed during deployment). */
function unknownSecret(): pulumi.Output<never> {
  const OutputClass = pulumi.Output as unknown as new (...args: unknown[]) => pulumi.Output<never>;
  return new OutputClass(
    [],
    Promise.resolve(undefined),
    Promise.resolve(false),
    Promise.resolve(true),
    Promise.resolve([]),
  );
}

/** Makes the secret getters of `pulumi.Config` answer an unknown secret for config keys holding the placeholder. */
export function unknownSecretConfig(): void {
  const prototype = pulumi.Config.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of SECRET_GETTERS) {
    const original = prototype[method];
    prototype[method] = function (this: pulumi.Config, key: unknown, ...rest: unknown[]) {
      const fullKey = typeof key === "string" ? `${this.name}:${key}` : "";
      if (pulumi.runtime.getConfig(fullKey) === SECRET_PLACEHOLDER) {
        return unknownSecret();
      }
      return original.call(this, key, ...rest);
    };
  }
}
