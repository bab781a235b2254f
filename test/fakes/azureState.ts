/**
 * What the fake Azure's surfaces (Entra ID, managed identity, GitHub OIDC, ARM) share: its identity, signing key,
 * registrations and request logs. Internal to test/fakes: tests use the {@link FakeAzure} that azure.ts builds on it.
 */
import type * as crypto from "node:crypto";
import type {
  ArmHandler,
  ArmRequestRecord,
  FakeClient,
  FakeManagedIdentity,
  FaultSpec,
  GitHubTokenRequestRecord,
  LroOptions,
  ManagedIdentityRequestRecord,
  TokenRequestRecord,
} from "./azureTypes";

export interface FakeAzureState {
  /** `https://127.0.0.1:<port>`, once the server listens. */
  url: string;
  readonly tenantId: string;
  readonly audience: string;
  /** Signs every token the fake issues (ARM access tokens, GitHub OIDC tokens). */
  readonly signingKey: crypto.KeyPairKeyObjectResult;
  readonly githubRequestToken: string;
  readonly identityHeader: string;
  readonly clients: Map<string, FakeClient & { objectId: string }>;
  readonly identities: (FakeManagedIdentity & { objectId: string })[];
  readonly routes: { method: string; path: RegExp; handler: ArmHandler }[];
  readonly pendingFaults: (FaultSpec & { remaining: number })[];
  readonly operations: Map<string, { options: LroOptions; polls: number; done: boolean; result?: unknown }>;
  readonly requests: ArmRequestRecord[];
  readonly tokenRequests: TokenRequestRecord[];
  readonly githubRequests: GitHubTokenRequestRecord[];
  readonly managedIdentityRequests: ManagedIdentityRequestRecord[];
  readonly discoveryRequests: string[];
}

/** Whether two audiences are the same but for trailing slashes. */
export const sameAudience = (a: unknown, b: string) =>
  typeof a === "string" && a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
