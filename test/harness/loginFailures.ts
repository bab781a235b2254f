/**
 * Failing logins, one per azure-native login method (platform-facts §10), for driving through the real hosts
 * (the dynamic-provider process from a checkout and from an npm install, and the provider plugin): each case's
 * environment, on top of the fake Azure's (custom cloud, client, tenant, subscription), and the message the
 * engine must receive — the setting to change, in azure-native's words.
 */
import * as net from "node:net";
import type { FakeAzure } from "../fakes/azure";

export interface LoginFailure {
  readonly name: string;
  /** The plugin's environment. */
  env(fake: FakeAzure): Record<string, string>;
  /** What the error the engine receives must say. */
  readonly message: RegExp;
  /**
   * The SDK retries this failure with pauses (msal's managed-identity retries: seconds of waiting, little CPU),
   * so {@link runFailures} starts it at once rather than letting it hold one of the CPU-bound slots.
   */
  readonly backsOff?: boolean;
}

/** Runs `tasks`, at most `limit` at a time (each starts a Node process: the machine may have 2 shared cores). */
export async function inParallel(limit: number, tasks: (() => Promise<void>)[]): Promise<void> {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
        await task();
      }
    }),
  );
}

/**
 * Runs one task per failure (and host): those whose failure {@link LoginFailure.backsOff} all at once, the others
 * at most `limit` at a time (see {@link inParallel}), so the back-off pauses overlap the other cases' CPU work.
 */
export async function runFailures(
  limit: number,
  tasks: { readonly failure: LoginFailure; readonly run: () => Promise<void> }[],
): Promise<void> {
  await Promise.all([
    ...tasks.filter((t) => t.failure.backsOff).map((t) => t.run()),
    inParallel(
      limit,
      tasks.filter((t) => !t.failure.backsOff).map((t) => t.run),
    ),
  ]);
}

/** A loopback port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The fake's environment without `names`. */
function without(fake: FakeAzure, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(fake.env()).filter(([name]) => !names.includes(name)));
}

/** The fake's environment without the client secret (so another method is chosen). */
const withoutSecret = (fake: FakeAzure) => without(fake, "ARM_CLIENT_SECRET");

/** The cases; `msiPort` is a closed loopback port (see {@link closedPort}). */
export function loginFailures(msiPort: number): LoginFailure[] {
  return [
    {
      name: "client secret refused by Entra ID",
      env: (fake) => ({ ...fake.env(), ARM_CLIENT_SECRET: "not-the-secret" }),
      message: /azure-native:clientSecret \/ ARM_CLIENT_SECRET/,
    },
    {
      name: "client certificate path missing",
      env: (fake) => ({ ...withoutSecret(fake), ARM_CLIENT_CERTIFICATE_PATH: "/nonexistent/edge-registry.pfx" }),
      message: /azure-native:clientCertificatePath \/ ARM_CLIENT_CERTIFICATE_PATH/,
    },
    {
      name: "OIDC token file missing",
      env: (fake) => ({
        ...withoutSecret(fake),
        ARM_USE_OIDC: "true",
        ARM_OIDC_TOKEN_FILE_PATH: "/nonexistent/oidc-token",
      }),
      message: /azure-native:oidcTokenFilePath \/ ARM_OIDC_TOKEN_FILE_PATH/,
    },
    {
      name: "OIDC without a token",
      env: (fake) => ({ ...withoutSecret(fake), ARM_USE_OIDC: "true" }),
      message: /azure-native:oidcToken \/ ARM_OIDC_TOKEN/,
    },
    {
      name: "managed identity endpoint unreachable",
      env: (fake) => ({
        ...withoutSecret(fake),
        ARM_USE_MSI: "true",
        IDENTITY_ENDPOINT: `http://127.0.0.1:${msiPort}/msi/token`,
        IDENTITY_HEADER: "header",
      }),
      message: /azure-native:useMsi \/ ARM_USE_MSI/,
      backsOff: true,
    },
    {
      name: "custom cloud incomplete",
      env: (fake) => without(fake, "ARM_RESOURCE_MANAGER_AUDIENCE", "ARM_RESOURCE_MANAGER_ENDPOINT"),
      message:
        /missing: azure-native:resourceManagerAudience \/ ARM_RESOURCE_MANAGER_AUDIENCE, azure-native:resourceManagerEndpoint \/ ARM_RESOURCE_MANAGER_ENDPOINT/,
    },
  ];
}
