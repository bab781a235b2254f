/**
 * `TokenPassword`: the generated passwords of one ACR token (`az acr token credential generate`,
 * `az acr connected-registry get-settings --generate-password 1|2`), with zero-downtime rotation.
 *
 * azure-native cannot generate token passwords (platform-facts §2): `POST .../generateCredentials`
 * (long-running) returns the value once, and Azure never returns it again. So a password is generated
 * only when the resource is created or rotated — never on preview (the engine calls neither then),
 * never on an unchanged `pulumi up`.
 *
 * ## Two slots, rotation without downtime
 * A token has two password slots, `password1` and `password2`. This resource owns both. Its state
 * says which slot is **current** (`passwordName`, `value`: what the connection string and the client
 * credentials use) and what the other slot held when it was last seen (`previousPasswordName`,
 * `previousCreationTime`: the previous rotation's password, still valid).
 *
 * Rotation N (a new `expiry` instant or a new `rotationTrigger`) is an in-place update:
 * 1. generate the slot that is **not** current. That slot held the password of rotation N-2, which no
 *    consumer has used since rotation N-1 moved them all to the other slot: regenerating it is the
 *    revocation, and the only one;
 * 2. make it current: the outputs change, so in the same `pulumi up` the connection string (the Arc
 *    extension's protected settings) and the client credentials (pull secrets) move to it;
 * 3. the slot that was current stays valid until rotation N+1, so an edge that has not picked up the
 *    new value yet keeps working.
 *
 * | after      | password1            | password2            | consumers use |
 * |------------|----------------------|----------------------|---------------|
 * | create     | P0 (current)         | — (or older, unused) | P0            |
 * | rotation 1 | P0 (previous, valid) | P1 (current)         | P1            |
 * | rotation 2 | P2 (current)         | P1 (previous, valid) | P2            |
 * | rotation 3 | P2 (previous, valid) | P3 (current)         | P3            |
 *
 * A rotation never touches the slot it just generated, whether or not Azure reports `creationTime`.
 * Rotate again only after the previous rotation's `pulumi up` has completed (the extension and pull
 * secrets hold the current password): the next rotation revokes the previous one.
 *
 * ## Retries
 * Generating a slot again replaces it: a retry after a lost answer (dropped connection, failed poll,
 * crashed process) leaves one password in the slot, the one Azure answered last — the one we keep.
 * So `create` always generates `password1` (never "the free slot", which a retry would see taken), and
 * an interrupted rotation is repeated by the next `pulumi up` on the same slot.
 *
 * ## Refresh (`read`)
 * Reads the token (`GET .../tokens/{token}`): a token that is gone, a current slot that is gone, or a
 * current slot whose `creationTime` changed (regenerated outside Pulumi, e.g. `az acr connected-registry
 * get-settings --generate-password 1`) make the resource leave the state, so the next `pulumi up`
 * generates a fresh password and the connection string and client credentials follow.
 *
 * ## Diff
 * `tokenId` compares case-insensitively (a resource group spelled in another case is the same token);
 * a new token replaces the resource. `expiry` compares as instants (`…Z` equals `….000Z`); a new
 * instant or `rotationTrigger` rotates. An explicit `subscriptionId` equal to the token's is no change.
 */
import { parseRegistryId } from "../lib/armId";
import type { CheckFailure, Operation, OperationDiff, RegistryClient } from "./operation";

/** Inputs of a `TokenPassword` resource. */
export interface TokenPasswordInputs {
  /** ARM id of the token (`.../registries/{registry}/tokens/{token}`). */
  tokenId: string;
  /** RFC 3339 expiry of the passwords; unset = never expires. A new instant rotates. */
  expiry?: string;
  /** Any value; a new value rotates. */
  rotationTrigger?: string;
  /** Subscription of the management client; default: the one in `tokenId`. */
  subscriptionId?: string;
}

/** The two password slots of a token. */
export type PasswordSlot = "password1" | "password2";

/** State of a `TokenPassword` resource: its inputs plus the current and previous slot. */
export interface TokenPasswordOutputs extends TokenPasswordInputs {
  /** The current slot: the one `value` is the password of. */
  passwordName: string;
  /** The user name to log in with (the token name). */
  username: string;
  /** The current password (secret). */
  value: string;
  /** When Azure created the current password (RFC 3339), if it said. */
  creationTime?: string;
  /** The other slot, when it holds a password (the previous rotation's, still valid). */
  previousPasswordName?: string;
  /** When Azure created the other slot's password, if known. */
  previousCreationTime?: string;
}

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

/** The other slot. */
export function otherSlot(slot: string): PasswordSlot {
  return slot === "password2" ? "password1" : "password2";
}

const isoString = (value: Date | string | undefined): string | undefined =>
  value === undefined || value === null ? undefined : new Date(value).toISOString();

/** Two optional timestamps denote the same instant (`…Z` equals `….000Z`; both unset are equal). */
export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) {
    return a === b;
  }
  const [x, y] = [Date.parse(a), Date.parse(b)];
  return Number.isNaN(x) || Number.isNaN(y) ? a === b : x === y;
}

const sameText = (a: string | undefined, b: string | undefined) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const subscriptionFor = (p: TokenPasswordInputs) => p.subscriptionId ?? parseTokenId(p.tokenId).subscriptionId;

/** Whether a change of inputs means a new password in the other slot. */
function rotates(olds: TokenPasswordInputs, news: TokenPasswordInputs): boolean {
  return !sameInstant(olds.expiry, news.expiry) || (olds.rotationTrigger ?? "") !== (news.rotationTrigger ?? "");
}

/** Only the inputs (state written by an older version may carry `passwordName` as an input). */
function inputsOf(p: TokenPasswordInputs): TokenPasswordInputs {
  return {
    tokenId: p.tokenId,
    ...(p.expiry === undefined ? {} : { expiry: p.expiry }),
    ...(p.rotationTrigger === undefined ? {} : { rotationTrigger: p.rotationTrigger }),
    ...(p.subscriptionId === undefined ? {} : { subscriptionId: p.subscriptionId }),
  };
}

/** The token's passwords (metadata only), or undefined when the token (or its registry) is gone. */
async function tokenPasswords(client: RegistryClient, tokenId: string) {
  const token = parseTokenId(tokenId);
  try {
    const found = await client.tokens.get(token.resourceGroupName, token.registryName, token.tokenName);
    return found.credentials?.passwords ?? [];
  } catch (error) {
    if (statusOf(error) === 404) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Generates `slot` of the token. A retry regenerates the same slot, which replaces it: whatever an
 * earlier, lost attempt generated is gone, and the value returned is the one Azure kept.
 */
async function generate(client: RegistryClient, inputs: TokenPasswordInputs, slot: PasswordSlot) {
  const token = parseTokenId(inputs.tokenId);
  const parameters = {
    tokenId: inputs.tokenId,
    name: slot,
    ...(inputs.expiry === undefined ? {} : { expiry: new Date(inputs.expiry) }),
  };
  let result;
  for (let attempt = 1; ; attempt++) {
    try {
      result = await client.registries.generateCredentials(token.resourceGroupName, token.registryName, parameters);
      break;
    } catch (error) {
      // The SDK already retried 429/5xx/network errors of each request; this repeats the whole
      // operation once when the poll itself failed. Client errors (4xx) are final.
      const status = statusOf(error);
      if (attempt >= 2 || (status !== undefined && status < 500)) {
        throw new Error(
          `generating ${slot} of token ${token.tokenName} (registry ${token.registryName}) failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
  }
  const password = result.passwords?.find((p) => p.name === slot);
  if (!password?.value) {
    throw new Error(`generateCredentials for token ${token.tokenName} returned no value for ${slot}`);
  }
  return {
    username: result.username ?? token.tokenName,
    value: password.value,
    creationTime: isoString(password.creationTime),
  };
}

const property = (description: string, extra: { secret?: boolean; required?: boolean } = {}) => ({
  type: "string" as const,
  description,
  ...extra,
});

/** The token password operation (see the module documentation). */
export const tokenPassword: Operation<TokenPasswordInputs, TokenPasswordOutputs> = {
  name: "TokenPassword",
  type: "edge-registry:index:TokenPassword",
  description:
    "The two generated passwords of an Azure Container Registry token. Rotating (a new expiry or rotation trigger) generates the other slot and makes it current; the previous password stays valid until the following rotation.",
  inputs: {
    tokenId: property("ARM id of the token (`.../registries/{registry}/tokens/{token}`).", { required: true }),
    expiry: property("RFC 3339 expiry of the generated passwords. Default: no expiry. A new instant rotates."),
    rotationTrigger: property("Any value; changing it rotates. Default: unset."),
    subscriptionId: property("Subscription of the management client. Default: the one in `tokenId`."),
  },
  outputs: {
    passwordName: property("The current slot (`password1` or `password2`)."),
    username: property("User name to log in with (the token name)."),
    value: property("The current password.", { secret: true }),
    creationTime: property("When Azure created the current password."),
    previousPasswordName: property("The other slot, when it holds the previous rotation's (still valid) password."),
    previousCreationTime: property("When Azure created the other slot's password."),
  },

  check(_olds, news) {
    const failures: CheckFailure[] = [];
    const text = (key: string): string | undefined => {
      const value = news[key];
      if (value === undefined || value === null || value === "") {
        return undefined;
      }
      if (typeof value !== "string") {
        failures.push({ property: key, reason: `${key} must be a string.` });
        return undefined;
      }
      return value;
    };
    const tokenId = text("tokenId");
    if (tokenId === undefined) {
      failures.push({ property: "tokenId", reason: "tokenId is required: the ARM id of the token." });
    } else {
      try {
        parseTokenId(tokenId);
      } catch (error) {
        failures.push({ property: "tokenId", reason: (error as Error).message });
      }
    }
    const expiry = text("expiry");
    if (expiry !== undefined && Number.isNaN(Date.parse(expiry))) {
      failures.push({
        property: "expiry",
        reason: `"${expiry}" is not an RFC 3339 timestamp; write it like "2027-12-31T23:59:59Z".`,
      });
    }
    const inputs = inputsOf({
      tokenId: tokenId ?? "",
      expiry,
      rotationTrigger: text("rotationTrigger"),
      subscriptionId: text("subscriptionId"),
    });
    return { inputs, failures };
  },

  async diff(_id, olds, news): Promise<OperationDiff> {
    if (!sameText(olds.tokenId, news.tokenId)) {
      return { changes: true, replaces: ["tokenId"], deleteBeforeReplace: false };
    }
    const subscriptionChanged = !sameText(subscriptionFor(olds), subscriptionFor(news));
    return { changes: rotates(olds, news) || subscriptionChanged };
  },

  async create(inputs, ctx) {
    const client = await ctx.client(subscriptionFor(inputs));
    const slot: PasswordSlot = "password1";
    const generated = await generate(client, inputs, slot);
    // The other slot may hold an older password (this token's, from before a refresh dropped the
    // resource): remember it, so the next rotation, which regenerates that slot, revokes it.
    const passwords = (await tokenPasswords(client, inputs.tokenId)) ?? [];
    const other = passwords.find((p) => p.name === otherSlot(slot));
    const creationTime =
      generated.creationTime ?? isoString(passwords.find((p) => p.name === slot)?.creationTime ?? undefined);
    const outs: TokenPasswordOutputs = {
      ...inputsOf(inputs),
      passwordName: slot,
      username: generated.username,
      value: generated.value,
      ...(creationTime === undefined ? {} : { creationTime }),
      ...(other === undefined ? {} : { previousPasswordName: otherSlot(slot) }),
      ...(other?.creationTime === undefined ? {} : { previousCreationTime: isoString(other.creationTime) }),
    };
    return { id: `${inputs.tokenId}/passwords`, outs };
  },

  async read(id, state, ctx) {
    const client = await ctx.client(subscriptionFor(state));
    const passwords = await tokenPasswords(client, state.tokenId);
    const slot = state.passwordName ?? "password1";
    const current = passwords?.find((p) => p.name === slot);
    if (current === undefined) {
      return undefined; // the token or its current password is gone
    }
    const liveCreation = isoString(current.creationTime);
    if (
      state.creationTime !== undefined &&
      liveCreation !== undefined &&
      !sameInstant(state.creationTime, liveCreation)
    ) {
      return undefined; // regenerated outside Pulumi: the value in the state no longer logs in
    }
    const other = passwords?.find((p) => p.name === otherSlot(slot));
    const props: TokenPasswordOutputs = {
      ...inputsOf(state),
      passwordName: slot,
      username: state.username,
      value: state.value,
      ...((state.creationTime ?? liveCreation) === undefined
        ? {}
        : { creationTime: state.creationTime ?? liveCreation }),
      ...(other === undefined ? {} : { previousPasswordName: otherSlot(slot) }),
      ...(other?.creationTime === undefined ? {} : { previousCreationTime: isoString(other.creationTime) }),
    };
    return { id, props };
  },

  async update(_id, olds, news, ctx) {
    if (!rotates(olds, news)) {
      return { ...olds, ...inputsOf(news) };
    }
    const client = await ctx.client(subscriptionFor(news));
    const current = olds.passwordName ?? "password1";
    const next = otherSlot(current);
    // Regenerating `next` revokes the password of the rotation before the previous one (see above).
    const generated = await generate(client, news, next);
    return {
      ...inputsOf(news),
      passwordName: next,
      username: generated.username,
      value: generated.value,
      ...(generated.creationTime === undefined ? {} : { creationTime: generated.creationTime }),
      previousPasswordName: current,
      ...(olds.creationTime === undefined ? {} : { previousCreationTime: olds.creationTime }),
    };
  },

  async delete(_id, state, ctx) {
    const client = await ctx.client(subscriptionFor(state));
    const passwords = await tokenPasswords(client, state.tokenId);
    if (passwords === undefined) {
      return; // the token is gone, and its passwords with it
    }
    // Remove only what is provably ours: a slot whose creationTime is the one we recorded. A slot
    // regenerated since (or whose creationTime we never learnt) is left alone.
    const ours = (name: string | undefined, created: string | undefined) =>
      passwords.find(
        (p) =>
          name !== undefined &&
          p.name === name &&
          created !== undefined &&
          sameInstant(isoString(p.creationTime), created),
      );
    const remove = [
      ours(state.passwordName ?? "password1", state.creationTime),
      ours(state.previousPasswordName, state.previousCreationTime),
    ].filter((p) => p !== undefined);
    if (remove.length === 0) {
      return;
    }
    const token = parseTokenId(state.tokenId);
    await client.tokens.update(token.resourceGroupName, token.registryName, token.tokenName, {
      credentials: { passwords: passwords.filter((p) => !remove.includes(p)) },
    });
  },
};
