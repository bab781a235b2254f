/**
 * The fixtures of the login tests (test/login*.test.ts): azure-native v3's login (platform-facts §10) end to end.
 *
 * Each case runs in a child `node` (test/fakes/loginChild.ts; NODE_EXTRA_CA_CERTS, read only at start-up, is the
 * fake's CA) with exactly the case's environment and stack config: in a fresh process when its subject is
 * something read once per process (see {@link freshProcessReason}), else in a batch child that runs several cases
 * one after the other, each with `process.env` replaced by its own and its own credentials. It resolves the
 * login through `createOperationContext`, and makes one ARM call with the REAL
 * `@azure/identity` + `@azure/arm-containerregistry` against the fake Entra ID / managed identity / GitHub / ARM
 * (test/fakes/azure.ts), HTTPS on 127.0.0.1, reached through the custom-cloud settings. The fake ARM reports which
 * client id, tenant and subscription it saw. Every child runs with a preload that refuses and records any
 * non-loopback connection or DNS lookup (test/fakes/loopbackOnly.js): no case may try one (e.g. MSAL instance
 * discovery, IMDS).
 *
 * A test file calls {@link useLoginFake} once, declares its cases with {@link given} (all started, PARALLEL
 * children at a time, once the fake runs) and awaits them with {@link loggedIn}, {@link failed} or {@link outcome}.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { type FakeAzure, startFakeAzure } from "../fakes/azure";
import { inParallel } from "./loginFailures";

export const run = promisify(execFile);
const repo = path.resolve(__dirname, "..", "..");
const fakeAzDir = path.join(__dirname, "..", "fakes", "az");

/** The Azure CLI's own application id (what `az login` tokens carry as appid). */
export const AZ_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
export const OTHER_TENANT = "b7d1e0a2-5a1c-4c4e-9a43-0d7d5c1f2e3a";
export const CONFIG_SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
export const CLI_SUBSCRIPTION = "99999999-8888-4777-8666-555555555555";

export const certClient = {
  clientId: "c3e1a6f0-2b7d-4c1e-8f0a-1a2b3c4d5e6f",
  objectId: "5d0b9a1e-7c3f-4a2b-9e8d-6f5a4b3c2d1e",
};
export const oidcClient = {
  clientId: "a0c4f7e2-9b1d-4e3a-8c6f-2d5e8a1b4c7f",
  objectId: "e4d3c2b1-a0f9-4e8d-9c7b-6a5f4e3d2c1b",
};
export const audienceClient = {
  clientId: "d2b5e8a1-4c7f-4a0d-9e3b-7f1c4a8d2e5b",
  objectId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
};
export const systemIdentity = {
  clientId: "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9",
  objectId: "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
};
export const userIdentity = {
  clientId: "6b5a4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
  objectId: "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
};
export const CUSTOM_OIDC_AUDIENCE = "api://edge-registry-ci";
export const PFX_PASSWORD = "pfx-pässword";
export const ENV_CLIENT = "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b";
export const DAC_CLIENT = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";

export interface ChildResult {
  /** The case's resource group (which case of the child's output this is). */
  resourceGroup: string;
  ok: boolean;
  error?: string;
  method?: string;
  subscriptionId?: string;
  tenantId?: string;
  clientId?: string;
  cloud?: { name: string; resourceManagerEndpoint: string; activeDirectoryAuthorityHost: string };
  scope?: string;
  registryId?: string;
  probe?: string[];
  /** Non-loopback attempts the preload refused (must be empty except in the preload's own test). */
  refused: { kind: string; target: string }[];
}

export interface Case {
  /** Environment of the child (on top of PATH/HOME and the CA). */
  env?: Record<string, string>;
  /** Stack config `azure-native:<key>`. */
  config?: Record<string, string>;
  /** Explicit subscription passed to `client()`. */
  subscriptionId?: string;
  /** Azure CLI state (puts the fake az first on PATH). */
  az?: { account?: Record<string, unknown>; token?: string; clouds?: Record<string, unknown> };
  /** URLs to try instead of logging in (preload test). */
  probe?: string[];
  /** Control: a credential with MSAL's instance discovery left on (see loginChild.ts). */
  withInstanceDiscovery?: { tenantId: string; clientId: string; secret: string; authorityHost: string; scope: string };
}

export let fake: FakeAzure;
export let certificatePfx: string;
export let certificatePfxNoPassword: string;
/** The same certificate as PEM: certificate then PKCS#8 key; PKCS#1 key then certificate; encrypted key. */
export let certificatePem: string;
export let certificatePemPkcs1: string;
export let certificatePemEncrypted: string;
let caseNumber = 0;
/** Children at once (each is a Node process; the machine may have 2 shared cores). */
const PARALLEL = 3;
/**
 * At most this many cases per batch child. A batched case costs ~0.2 s of CPU, a child's start ~0.55 s (loading
 * @azure/identity, MSAL and the ARM SDK): one batch per file (16 and 7 cases today) runs about as long as the
 * fresh children beside it in the other lanes.
 */
const BATCH_SIZE = 16;

/**
 * Why a case must run in a process of its own, or undefined when it may run in a batch child (one case after
 * the other, each with exactly its own environment and credentials: loginChild.ts). A batch would differ
 * from a fresh process only through what is read or kept once per process:
 *
 * - the loopback-only preload reads `LOOPBACK_ONLY_LOG` at start-up (its own tests, `probe` and the
 *   instance-discovery control, are about the preload, so they run fresh);
 * - MSAL (`@azure/msal-node`) keeps the managed identity source — the endpoint it reads from
 *   `IDENTITY_ENDPOINT`/`IDENTITY_HEADER` on first use — and the managed identity token cache in process-wide
 *   statics (`ManagedIdentityClient.identitySource`, `ManagedIdentityApplication.nodeStorage`): a case that
 *   turns on the managed identity, or `DefaultAzureCredential` (whose chain builds a
 *   `ManagedIdentityCredential`), runs fresh;
 * - Node reads `NODE_*`, `UV_*`, `OPENSSL_*`, `SSL_CERT_*` at start-up, `@azure/logger` reads `DEBUG` and
 *   `AZURE_LOG_LEVEL` when loaded, and the SDKs' proxy policy loads `NO_PROXY` once: a case setting one runs
 *   fresh (`NODE_EXTRA_CA_CERTS` is the same for every case of a file).
 *
 * Everything else is read per call: the login reads the environment it is given when it resolves
 * (`createOperationContext(config, process.env)`), `@azure/identity` reads `process.env` only inside
 * constructors and `getToken`, and the Azure CLI is spawned per call with the case's `PATH`.
 */
export function freshProcessReason(spec: Case): string | undefined {
  if (spec.probe || spec.withInstanceDiscovery) {
    return "its subject is the loopback-only preload, set up at process start";
  }
  const on = (key: string, variable: string) => spec.config?.[key] === "true" || spec.env?.[variable] === "true";
  if (on("useMsi", "ARM_USE_MSI") || on("useDefaultAzureCredential", "ARM_USE_DEFAULT_AZURE_CREDENTIAL")) {
    return "it builds a ManagedIdentityCredential, whose MSAL source and token cache are process-wide";
  }
  const readOnce = Object.keys(spec.env ?? {}).find((name) =>
    /^(NODE_|UV_|OPENSSL_|SSL_CERT_)|^(NO_PROXY|no_proxy|DEBUG|AZURE_LOG_LEVEL|LOOPBACK_ONLY_LOG)$/.test(name),
  );
  return readOnce && `${readOnce} is read once per process`;
}

/** A case ready to run: its resource group, logs, and the whole environment of a fresh process for it. */
interface PreparedCase {
  readonly resourceGroup: string;
  readonly refusedLog: string;
  readonly azLog: string;
  readonly env: Record<string, string>;
}

/** Gives a case its resource group and folder (its HOME), and the environment a fresh child of it gets. */
function prepareCase(spec: Case): PreparedCase {
  const resourceGroup = `rg-case-${++caseNumber}`;
  const caseDir = path.join(fake.dir, resourceGroup);
  fs.mkdirSync(caseDir);
  const refusedLog = path.join(caseDir, "refused.jsonl");
  const azLog = path.join(caseDir, "az.jsonl");
  const env: Record<string, string> = {
    PATH: (spec.az ? `${fakeAzDir}${path.delimiter}` : "") + (process.env.PATH ?? ""),
    HOME: caseDir,
    NODE_EXTRA_CA_CERTS: fake.caFile,
    LOOPBACK_ONLY_LOG: refusedLog,
    LOGIN_CASE: JSON.stringify({
      config: spec.config ?? {},
      resourceGroup,
      subscriptionId: spec.subscriptionId,
      probe: spec.probe,
      withInstanceDiscovery: spec.withInstanceDiscovery,
    }),
    ...(spec.env ?? {}),
  };
  if (spec.az) {
    const stateFile = path.join(caseDir, "az-state.json");
    fs.writeFileSync(stateFile, JSON.stringify(spec.az));
    env.FAKE_AZ_STATE = stateFile;
    env.FAKE_AZ_LOG = azLog;
  }
  return { resourceGroup, refusedLog, azLog, env };
}

/**
 * Runs `cases` in one child: a single case in a fresh process with its environment, several as a batch
 * (loginChild.ts). Returns each case's result (its line of the child's output), refusals and az calls.
 */
async function runChild(cases: PreparedCase[], batch: boolean): Promise<CaseRun[]> {
  let env = cases[0].env;
  if (batch) {
    const batchDir = path.join(fake.dir, `batch-${cases[0].resourceGroup}`);
    fs.mkdirSync(batchDir);
    const batchFile = path.join(batchDir, "cases.json");
    fs.writeFileSync(batchFile, JSON.stringify(cases.map((c) => c.env)));
    env = {
      PATH: process.env.PATH ?? "",
      HOME: batchDir,
      NODE_EXTRA_CA_CERTS: fake.caFile,
      LOOPBACK_ONLY_LOG: path.join(batchDir, "refused.jsonl"),
      LOGIN_BATCH_FILE: batchFile,
    };
  }
  const { stdout } = await run(
    process.execPath,
    ["-r", "./test/fakes/loopbackOnly.js", "-r", "./bin/register.js", "test/fakes/loginChild.ts"],
    { cwd: repo, env, encoding: "utf8", timeout: 60_000 * cases.length },
  );
  const printed = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as ChildResult);
  const lines = (file: string) =>
    fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
  return cases.map(({ resourceGroup, refusedLog, azLog }) => {
    const result = printed.find((line) => line.resourceGroup === resourceGroup);
    if (!result) {
      throw new Error(`the login child printed no result for ${resourceGroup}:\n${stdout}`);
    }
    result.refused = lines(refusedLog).map((line) => JSON.parse(line) as { kind: string; target: string });
    return { result, resourceGroup, azCalls: lines(azLog).map((line) => JSON.parse(line) as string[]) };
  });
}

/** Whether the fake Entra ID granted `clientId` a token after authenticating it as `kind`. */
export function granted(clientId: string, kind: string): boolean {
  return fake.tokenRequests.some((t) => t.clientId === clientId && t.kind === kind && t.error === undefined);
}

/** The ARM requests of one case (its own resource group). */
export function armRequestsOf(resourceGroup: string) {
  return fake.requests.filter((r) => r.path.includes(`/resourceGroups/${resourceGroup}/`));
}

/** What a case's child reported: its result, the resource group it used and its az calls. */
interface CaseRun {
  result: ChildResult;
  resourceGroup: string;
  azCalls: string[][];
}
/** Every end-to-end case, by name: defined with the tests, all started (PARALLEL children at a time) in beforeAll. */
const caseSpecs = new Map<string, () => Case>();
const caseRuns = new Map<string, Promise<CaseRun>>();

/** Declares a case (its spec is built once the fake runs). */
export function given(name: string, spec: () => Case): string {
  caseSpecs.set(name, spec);
  return name;
}

/**
 * Starts every declared case: those {@link freshProcessReason} names each in a fresh process, the others in
 * batches of at most BATCH_SIZE, PARALLEL children at a time (batches first: they take longest).
 */
function startCases(): void {
  const fresh: [string, PreparedCase][] = [];
  const batched: [string, PreparedCase][] = [];
  for (const [name, spec] of caseSpecs) {
    const built = spec();
    (freshProcessReason(built) ? fresh : batched).push([name, prepareCase(built)]);
  }
  const groups: { cases: [string, PreparedCase][]; batch: boolean }[] = [];
  const batchCount = Math.ceil(batched.length / BATCH_SIZE);
  for (let index = 0; index < batchCount; index++) {
    groups.push({ cases: batched.filter((_, at) => at % batchCount === index), batch: true });
  }
  groups.push(...fresh.map((one) => ({ cases: [one], batch: false })));
  const tasks = groups.map(({ cases, batch }) => {
    const settle: { resolve: (run: CaseRun) => void; reject: (error: unknown) => void }[] = [];
    for (const [name] of cases) {
      const started = new Promise<CaseRun>((resolve, reject) => settle.push({ resolve, reject }));
      started.catch(() => undefined);
      caseRuns.set(name, started);
    }
    return () =>
      runChild(
        cases.map(([, prepared]) => prepared),
        batch,
      ).then(
        (runs) => runs.forEach((one, index) => settle[index].resolve(one)),
        (error: unknown) => settle.forEach(({ reject }) => reject(error)),
      );
  });
  void inParallel(PARALLEL, tasks);
}

/** The outcome of a declared case. */
export function outcome(name: string): Promise<CaseRun> {
  const started = caseRuns.get(name);
  if (!started) {
    throw new Error(`case ${name} was not declared`);
  }
  return started;
}

/** A case that must log in: returns what the fake ARM saw. */
export async function loggedIn(name: string) {
  const { result, resourceGroup, azCalls } = await outcome(name);
  expect(result.error).toBeUndefined();
  expect(result.refused).toEqual([]);
  const [request, ...more] = armRequestsOf(resourceGroup);
  expect(more).toEqual([]);
  expect(request.status).toBe(200);
  return { result, request, azCalls, subscription: request.path.split("/")[2] };
}

/** A case that must fail before or at login: returns its error (no ARM call got through). */
export async function failed(name: string): Promise<string> {
  const { result, resourceGroup } = await outcome(name);
  expect(result.refused).toEqual([]);
  expect(result.ok).toBe(false);
  expect(armRequestsOf(resourceGroup).filter((r) => r.status === 200)).toEqual([]);
  return result.error as string;
}

export async function openssl(args: string[]): Promise<void> {
  await run("openssl", args, { cwd: fake.dir });
}

/** Starts the fake Azure with the clients, identities, certificates and route the cases use, then every declared case; closes it after the file. */
export function useLoginFake(): void {
  beforeAll(async () => {
    fake = await startFakeAzure();
    // An RSA client certificate made by openssl (an independent PFX producer), registered on a service principal.
    await openssl([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "client.key",
      "-out",
      "client.crt",
      "-subj",
      "/CN=edge-registry-login-test",
      "-days",
      "2",
    ]);
    await openssl([
      "pkcs12",
      "-export",
      "-inkey",
      "client.key",
      "-in",
      "client.crt",
      "-out",
      "client.pfx",
      "-passout",
      `pass:${PFX_PASSWORD}`,
    ]);
    await openssl([
      "pkcs12",
      "-export",
      "-inkey",
      "client.key",
      "-in",
      "client.crt",
      "-out",
      "client-nopass.pfx",
      "-passout",
      "pass:",
    ]);
    certificatePfx = path.join(fake.dir, "client.pfx");
    certificatePfxNoPassword = path.join(fake.dir, "client-nopass.pfx");
    await openssl(["rsa", "-in", "client.key", "-traditional", "-out", "client-rsa.key"]);
    await openssl(["pkcs8", "-topk8", "-in", "client.key", "-passout", "pass:pem-pass", "-out", "client-enc.key"]);
    const read = (name: string) => fs.readFileSync(path.join(fake.dir, name), "utf8");
    certificatePem = path.join(fake.dir, "client.pem");
    fs.writeFileSync(certificatePem, read("client.crt") + read("client.key"));
    certificatePemPkcs1 = path.join(fake.dir, "client-pkcs1.pem");
    fs.writeFileSync(certificatePemPkcs1, read("client-rsa.key") + read("client.crt"));
    certificatePemEncrypted = path.join(fake.dir, "client-enc.pem");
    fs.writeFileSync(certificatePemEncrypted, read("client.crt") + read("client-enc.key"));
    fake.addClient({
      ...certClient,
      tenantId: fake.tenantId,
      certificatePem: fs.readFileSync(path.join(fake.dir, "client.crt"), "utf8"),
    });
    fake.addClient({ ...oidcClient, tenantId: fake.tenantId, federatedAudience: "api://AzureADTokenExchange" });
    fake.addClient({ ...audienceClient, tenantId: fake.tenantId, federatedAudience: CUSTOM_OIDC_AUDIENCE });
    fake.addClient({ clientId: DAC_CLIENT, tenantId: fake.tenantId, secret: "dac-secret" });
    fake.addManagedIdentity({ ...systemIdentity, tenantId: fake.tenantId, systemAssigned: true });
    fake.addManagedIdentity({ ...userIdentity, tenantId: fake.tenantId });
    fake.route(
      "GET",
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerRegistry\/registries\/acr$/,
      (request) => ({
        body: {
          id: request.path,
          name: "acr",
          type: "Microsoft.ContainerRegistry/registries",
          location: "westeurope",
          sku: { name: "Premium", tier: "Premium" },
          properties: { loginServer: "acr.azurecr.io", provisioningState: "Succeeded" },
        },
      }),
    );
    startCases();
  });

  afterAll(async () => {
    await fake?.close();
  });
}

/** `az cloud show` of a custom cloud registered in the Azure CLI that points at the fake. */
export function fakeCliCloud() {
  return {
    name: "FakeCloud",
    endpoints: { activeDirectory: fake.url, activeDirectoryResourceId: fake.audience, resourceManager: `${fake.url}/` },
  };
}

/** The stack config form of the fake's custom cloud. */
export function cloudConfig(): Record<string, string> {
  return {
    activeDirectoryAuthorityHost: fake.cloudEnv().ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST,
    resourceManagerAudience: fake.cloudEnv().ARM_RESOURCE_MANAGER_AUDIENCE,
    resourceManagerEndpoint: fake.cloudEnv().ARM_RESOURCE_MANAGER_ENDPOINT,
  };
}
