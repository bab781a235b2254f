/**
 * Dynamic provider for one generated ACR token password (`az acr token credential generate`,
 * `az acr connected-registry get-settings --generate-password 1`).
 *
 * azure-native cannot generate token passwords (platform-facts §2), so `create` calls
 * `POST .../registries/{registry}/generateCredentials` once. The value is never read again (Azure never
 * returns it), so it must not be regenerated on an unchanged `pulumi up`: `diff` only asks for a
 * replacement when the token, the password name, the expiry or the explicit rotation trigger change.
 * `delete` removes this password from the token (PATCH with the remaining passwords) unless the token's
 * password of that name has been regenerated since (then it belongs to the replacement, not to us).
 */
import type * as pulumi from "@pulumi/pulumi";
import { parseRegistryId } from "../armId";
import type { RegistryClient } from "../azureClient";

/** Inputs of a `TokenPassword` resource. */
export interface TokenPasswordInputs {
  /** ARM id of the token (`.../registries/{registry}/tokens/{token}`). */
  tokenId: string;
  /** `password1` or `password2`. */
  passwordName: string;
  /** RFC 3339 expiry; unset = never expires. Changing it replaces the password. */
  expiry?: string;
  /** Any value; changing it replaces (rotates) the password. */
  rotationTrigger?: string;
  /** Subscription for the SDK client; default: the one in `tokenId`. */
  subscriptionId?: string;
}

/** State of a `TokenPassword` resource: its inputs plus the generated credential. */
export interface TokenPasswordOutputs extends TokenPasswordInputs {
  /** The user name to log in with (the token name). */
  username: string;
  /** The generated password. */
  value: string;
  /** When Azure created the password (RFC 3339). */
  creationTime?: string;
}

/** Inputs whose change means a new password (everything: a password cannot be edited in place). */
const replacingKeys: (keyof TokenPasswordInputs)[] = [
  "tokenId",
  "passwordName",
  "expiry",
  "rotationTrigger",
  "subscriptionId",
];

/** The parts of a token ARM id, or an error saying why it is not one. */
export function parseTokenId(tokenId: string): {
  subscriptionId: string;
  resourceGroupName: string;
  registryName: string;
  tokenName: string;
} {
  const match = /^(.*)\/tokens\/([^/]+)$/i.exec(tokenId);
  const registry = match ? parseRegistryId(match[1]) : undefined;
  if (!match || !registry) {
    throw new Error(`"${tokenId}" is not a container registry token ARM id (.../registries/<registry>/tokens/<token>)`);
  }
  return { ...registry, tokenName: match[2] };
}

function isoString(value: Date | string | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}

/** Creates the provider; `clientFor` returns an SDK client for a subscription (a fake in unit tests). */
export function makeTokenPasswordProvider(
  clientFor: (subscriptionId: string) => RegistryClient,
): pulumi.dynamic.ResourceProvider<TokenPasswordInputs, TokenPasswordOutputs> {
  return {
    async create(inputs: TokenPasswordInputs): Promise<pulumi.dynamic.CreateResult<TokenPasswordOutputs>> {
      const token = parseTokenId(inputs.tokenId);
      const client = clientFor(inputs.subscriptionId ?? token.subscriptionId);
      const result = await client.registries.beginGenerateCredentialsAndWait(
        token.resourceGroupName,
        token.registryName,
        {
          tokenId: inputs.tokenId,
          name: inputs.passwordName,
          ...(inputs.expiry === undefined ? {} : { expiry: new Date(inputs.expiry) }),
        },
      );
      const password = result.passwords?.find((p) => p.name === inputs.passwordName);
      if (!password?.value) {
        throw new Error(
          `generateCredentials for token ${token.tokenName} returned no value for ${inputs.passwordName}`,
        );
      }
      const outs: TokenPasswordOutputs = {
        ...inputs,
        username: result.username ?? token.tokenName,
        value: password.value,
        creationTime: isoString(password.creationTime),
      };
      // `expiry` stays the input's spelling (or unset): reporting Azure's own default expiry would make
      // the next diff see a change and rotate the password on every run.
      return { id: `${inputs.tokenId}/passwords/${inputs.passwordName}`, outs };
    },

    async diff(_id: string, olds: TokenPasswordOutputs, news: TokenPasswordInputs): Promise<pulumi.dynamic.DiffResult> {
      const replaces = replacingKeys.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
      return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },

    async delete(_id: string, props: TokenPasswordOutputs): Promise<void> {
      const token = parseTokenId(props.tokenId);
      const client = clientFor(props.subscriptionId ?? token.subscriptionId);
      let current;
      try {
        current = await client.tokens.get(token.resourceGroupName, token.registryName, token.tokenName);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) {
          return; // the token is gone, and its passwords with it
        }
        throw error;
      }
      const passwords = current.credentials?.passwords ?? [];
      const ours = passwords.find((p) => p.name === props.passwordName);
      if (!ours || (props.creationTime !== undefined && isoString(ours.creationTime) !== props.creationTime)) {
        return; // already removed, or regenerated since (by a replacement): not ours to remove
      }
      await client.tokens.beginUpdateAndWait(token.resourceGroupName, token.registryName, token.tokenName, {
        credentials: { passwords: passwords.filter((p) => p.name !== props.passwordName) },
      });
    },
  };
}
