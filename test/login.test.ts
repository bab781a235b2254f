/**
 * azure-native v3's login (platform-facts §10) as the deploy-time operations reproduce it.
 *
 * End to end: each case runs in a fresh `node` (NODE_EXTRA_CA_CERTS is read only at start-up) with the
 * case's environment and stack config, resolves the login through `createOperationContext`, and makes one
 * ARM call with the REAL `@azure/identity` + `@azure/arm-containerregistry` against the fake Entra ID /
 * managed identity / GitHub / ARM (test/fakes/azure.ts), HTTPS on 127.0.0.1, reached through the
 * custom-cloud settings. The fake ARM reports which client id, tenant and subscription it saw. Every child
 * runs with a preload that refuses and records any non-loopback connection or DNS lookup
 * (test/fakes/loopbackOnly.js): no case may try one (e.g. MSAL instance discovery, IMDS).
 *
 * Pure resolution (clouds, precedence, errors before any request) is tested in-process, without network.
 */
import { execFile } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import {
  AzureLoginError,
  chooseMethod,
  clouds,
  cloudByName,
  LoginMethod,
  loginMethods,
  loginSettings,
  pfxToPem,
  resolveCloud,
  resolveLogin,
} from "../components/operations/login";
import { Settings } from "../components/operations/login/settings";
import { armRetryDelay, armRetryOptions, ArmRetryOptions } from "../components/operations/armRetry";
import { createOperationContext } from "../components/operations/client";
import { FakeAzure, startFakeAzure } from "./fakes/azure";

const run = promisify(execFile);
const repo = path.resolve(__dirname, "..");
const fakeAzDir = path.join(__dirname, "fakes", "az");

/** The Azure CLI's own application id (what `az login` tokens carry as appid). */
const AZ_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const OTHER_TENANT = "b7d1e0a2-5a1c-4c4e-9a43-0d7d5c1f2e3a";
const CONFIG_SUBSCRIPTION = "11111111-2222-4333-8444-555555555555";
const CLI_SUBSCRIPTION = "99999999-8888-4777-8666-555555555555";

const certClient = {
  clientId: "c3e1a6f0-2b7d-4c1e-8f0a-1a2b3c4d5e6f",
  objectId: "5d0b9a1e-7c3f-4a2b-9e8d-6f5a4b3c2d1e",
};
const oidcClient = {
  clientId: "a0c4f7e2-9b1d-4e3a-8c6f-2d5e8a1b4c7f",
  objectId: "e4d3c2b1-a0f9-4e8d-9c7b-6a5f4e3d2c1b",
};
const audienceClient = {
  clientId: "d2b5e8a1-4c7f-4a0d-9e3b-7f1c4a8d2e5b",
  objectId: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
};
const systemIdentity = {
  clientId: "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9",
  objectId: "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
};
const userIdentity = {
  clientId: "6b5a4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
  objectId: "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
};
const CUSTOM_OIDC_AUDIENCE = "api://edge-registry-ci";
const PFX_PASSWORD = "pfx-pässword";
const ENV_CLIENT = "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b";
const DAC_CLIENT = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";

interface ChildResult {
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

interface Case {
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

let fake: FakeAzure;
let certificatePfx: string;
let certificatePfxNoPassword: string;
/** The same certificate as PEM: certificate then PKCS#8 key; PKCS#1 key then certificate; encrypted key. */
let certificatePem: string;
let certificatePemPkcs1: string;
let certificatePemEncrypted: string;
let caseNumber = 0;
const slots: (() => void)[] = [];
let running = 0;
const PARALLEL = 3;

/** Runs at most PARALLEL children at once. */
async function limited<T>(task: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL) {
    await new Promise<void>((resolve) => slots.push(resolve));
  }
  running += 1;
  try {
    return await task();
  } finally {
    running -= 1;
    slots.shift()?.();
  }
}

/** Runs one case in a fresh node; returns its result, the resource group it used and its az calls. */
async function runCase(spec: Case): Promise<{ result: ChildResult; resourceGroup: string; azCalls: string[][] }> {
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
  const { stdout } = await limited(() =>
    run(
      process.execPath,
      ["-r", "./test/fakes/loopbackOnly.js", "-r", "./bin/register.js", "test/fakes/loginChild.ts"],
      { cwd: repo, env, encoding: "utf8", timeout: 60_000 },
    ),
  );
  const lines = (file: string) =>
    fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
  const result = JSON.parse(stdout.trim().split("\n").pop() as string) as ChildResult;
  result.refused = lines(refusedLog).map((line) => JSON.parse(line) as { kind: string; target: string });
  return { result, resourceGroup, azCalls: lines(azLog).map((line) => JSON.parse(line) as string[]) };
}

/** Whether the fake Entra ID granted `clientId` a token after authenticating it as `kind`. */
function granted(clientId: string, kind: string): boolean {
  return fake.tokenRequests.some((t) => t.clientId === clientId && t.kind === kind && t.error === undefined);
}

/** The ARM requests of one case (its own resource group). */
function armRequestsOf(resourceGroup: string) {
  return fake.requests.filter((r) => r.path.includes(`/resourceGroups/${resourceGroup}/`));
}

type CaseRun = Awaited<ReturnType<typeof runCase>>;
/** Every end-to-end case, by name: defined with the tests, all started (PARALLEL at a time) in beforeAll. */
const caseSpecs = new Map<string, () => Case>();
const caseRuns = new Map<string, Promise<CaseRun>>();

/** Declares a case (its spec is built once the fake runs). */
function given(name: string, spec: () => Case): string {
  caseSpecs.set(name, spec);
  return name;
}

/** Starts every declared case. */
function startCases(): void {
  for (const [name, spec] of caseSpecs) {
    const started = runCase(spec());
    started.catch(() => undefined);
    caseRuns.set(name, started);
  }
}

/** The outcome of a declared case. */
function outcome(name: string): Promise<CaseRun> {
  const started = caseRuns.get(name);
  if (!started) {
    throw new Error(`case ${name} was not declared`);
  }
  return started;
}

/** A case that must log in: returns what the fake ARM saw. */
async function loggedIn(name: string) {
  const { result, resourceGroup, azCalls } = await outcome(name);
  expect(result.error).toBeUndefined();
  expect(result.refused).toEqual([]);
  const [request, ...more] = armRequestsOf(resourceGroup);
  expect(more).toEqual([]);
  expect(request.status).toBe(200);
  return { result, request, azCalls, subscription: request.path.split("/")[2] };
}

/** A case that must fail before or at login: returns its error (no ARM call got through). */
async function failed(name: string): Promise<string> {
  const { result, resourceGroup } = await outcome(name);
  expect(result.refused).toEqual([]);
  expect(result.ok).toBe(false);
  expect(armRequestsOf(resourceGroup).filter((r) => r.status === 200)).toEqual([]);
  return result.error as string;
}

async function openssl(args: string[]): Promise<void> {
  await run("openssl", args, { cwd: fake.dir });
}

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

/** `az cloud show` of a custom cloud registered in the Azure CLI that points at the fake. */
function fakeCliCloud() {
  return {
    name: "FakeCloud",
    endpoints: { activeDirectory: fake.url, activeDirectoryResourceId: fake.audience, resourceManager: `${fake.url}/` },
  };
}

/** The stack config form of the fake's custom cloud. */
function cloudConfig(): Record<string, string> {
  return {
    activeDirectoryAuthorityHost: fake.cloudEnv().ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST,
    resourceManagerAudience: fake.cloudEnv().ARM_RESOURCE_MANAGER_AUDIENCE,
    resourceManagerEndpoint: fake.cloudEnv().ARM_RESOURCE_MANAGER_ENDPOINT,
  };
}

describe("each method, end to end against the fake over HTTPS (custom cloud)", () => {
  const secretEnv = given("secret env", () => ({ env: fake.env() }));
  test("client secret from the environment (ARM_*)", async () => {
    const { result, request, subscription } = await loggedIn(secretEnv);
    expect(result.method).toBe(LoginMethod.ClientSecret);
    expect(request.claims?.appid).toBe(fake.defaultClient.clientId);
    expect(request.claims?.tid).toBe(fake.tenantId);
    expect(request.claims?.oid).toBe(fake.defaultClient.objectId);
    expect(subscription).toBe(fake.subscriptionId);
    expect(result.cloud?.name).toBe("custom");
    expect(result.scope).toBe(`${fake.audience}/.default`);
    expect(request.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });

  const secretConfig = given("secret config wins", () => {
    fake.addClient({ clientId: ENV_CLIENT, tenantId: OTHER_TENANT, secret: "env-secret" });
    return {
      // The environment names another tenant, client, secret, subscription and a public cloud...
      env: {
        ARM_TENANT_ID: OTHER_TENANT,
        ARM_CLIENT_ID: ENV_CLIENT,
        ARM_CLIENT_SECRET: "env-secret",
        ARM_SUBSCRIPTION_ID: fake.subscriptionId,
        ARM_ENVIRONMENT: "public",
      },
      // ...the stack config wins for every one of them.
      config: {
        ...cloudConfig(),
        tenantId: fake.tenantId,
        clientId: fake.defaultClient.clientId,
        clientSecret: fake.defaultClient.secret,
        subscriptionId: CONFIG_SUBSCRIPTION,
      },
    };
  });
  test("client secret from stack config; config wins over the environment, setting by setting", async () => {
    const { result, request, subscription } = await loggedIn(secretConfig);
    expect(result.method).toBe(LoginMethod.ClientSecret);
    expect(request.claims?.appid).toBe(fake.defaultClient.clientId);
    expect(request.claims?.tid).toBe(fake.tenantId);
    expect(subscription).toBe(CONFIG_SUBSCRIPTION);
    expect(fake.tokenRequests.map((t) => t.clientId)).not.toContain(ENV_CLIENT);
  });

  const explicitSubscription = given("explicit subscription", () => ({
    env: fake.env(),
    subscriptionId: CONFIG_SUBSCRIPTION,
  }));
  test("an explicit subscription (the resource's) wins over the login's", async () => {
    const { subscription } = await loggedIn(explicitSubscription);
    expect(subscription).toBe(CONFIG_SUBSCRIPTION);
  });

  const certificateEnv = given("certificate env", () => ({
    env: {
      ...fake.cloudEnv(),
      ARM_TENANT_ID: fake.tenantId,
      ARM_CLIENT_ID: certClient.clientId,
      ARM_CLIENT_CERTIFICATE_PATH: certificatePfx,
      ARM_CLIENT_CERTIFICATE_PASSWORD: PFX_PASSWORD,
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
    },
  }));
  test("client certificate: a password-protected PFX from the environment (signature checked by the fake)", async () => {
    const { result, request } = await loggedIn(certificateEnv);
    expect(result.method).toBe(LoginMethod.ClientCertificate);
    expect(request.claims?.appid).toBe(certClient.clientId);
    expect(request.claims?.oid).toBe(certClient.objectId);
    expect(granted(certClient.clientId, "certificate")).toBe(true);
  });

  const certificateConfig = given("certificate config", () => ({
    env: fake.env(), // a complete client-secret login in the environment: the certificate comes first
    config: { clientId: certClient.clientId, clientCertificatePath: certificatePfxNoPassword },
  }));
  test("client certificate from stack config (PFX without password) wins over a client secret", async () => {
    const { result, request } = await loggedIn(certificateConfig);
    expect(result.method).toBe(LoginMethod.ClientCertificate);
    expect(request.claims?.appid).toBe(certClient.clientId);
  });

  const certificatePemEnv = given("certificate pem env", () => ({
    env: {
      ...fake.cloudEnv(),
      ARM_TENANT_ID: fake.tenantId,
      ARM_CLIENT_ID: certClient.clientId,
      ARM_CLIENT_CERTIFICATE_PATH: certificatePem,
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
    },
  }));
  test("client certificate as PEM (certificate, then PKCS#8 key), as azidentity.ParseCertificates takes it", async () => {
    const { result, request } = await loggedIn(certificatePemEnv);
    expect(result.method).toBe(LoginMethod.ClientCertificate);
    expect(request.claims?.appid).toBe(certClient.clientId);
    expect(granted(certClient.clientId, "certificate")).toBe(true);
  });

  const certificatePemPkcs1Config = given("certificate pem pkcs1 config", () => ({
    config: {
      ...cloudConfig(),
      tenantId: fake.tenantId,
      clientId: certClient.clientId,
      clientCertificatePath: certificatePemPkcs1,
      subscriptionId: fake.subscriptionId,
    },
  }));
  test("client certificate as PEM from stack config (`RSA PRIVATE KEY` first, then the certificate)", async () => {
    const { request } = await loggedIn(certificatePemPkcs1Config);
    expect(request.claims?.appid).toBe(certClient.clientId);
  });

  const oidcTokenEnv = given("oidc token env", () => ({
    env: {
      ...fake.cloudEnv(),
      ARM_USE_OIDC: "true",
      ARM_OIDC_TOKEN: fake.issueOidcToken(),
      ARM_TENANT_ID: fake.tenantId,
      ARM_CLIENT_ID: oidcClient.clientId,
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
    },
  }));
  test("OIDC token from the environment (ARM_USE_OIDC + ARM_OIDC_TOKEN)", async () => {
    const { result, request } = await loggedIn(oidcTokenEnv);
    expect(result.method).toBe(LoginMethod.OidcToken);
    expect(request.claims?.appid).toBe(oidcClient.clientId);
    expect(request.claims?.oid).toBe(oidcClient.objectId);
    expect(granted(oidcClient.clientId, "federated")).toBe(true);
  });

  const oidcFileConfig = given("oidc file config", () => {
    const tokenFile = path.join(fake.dir, "oidc-token");
    fs.writeFileSync(tokenFile, fake.issueOidcToken());
    return {
      config: {
        ...cloudConfig(),
        useOidc: "true",
        oidcTokenFilePath: tokenFile,
        tenantId: fake.tenantId,
        clientId: oidcClient.clientId,
        subscriptionId: fake.subscriptionId,
      },
    };
  });
  test("OIDC token file from stack config (useOidc + oidcTokenFilePath)", async () => {
    const { result, request } = await loggedIn(oidcFileConfig);
    expect(result.method).toBe(LoginMethod.OidcTokenFile);
    expect(request.claims?.appid).toBe(oidcClient.clientId);
  });

  const gitHubEnv = given("github env", () => ({
    env: {
      ...fake.cloudEnv(),
      ARM_USE_OIDC: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: fake.githubRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: fake.githubRequestToken,
      ARM_TENANT_ID: fake.tenantId,
      ARM_CLIENT_ID: oidcClient.clientId,
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
    },
  }));
  test("GitHub Actions exchange: ACTIONS_ID_TOKEN_REQUEST_URL with the bearer request token, audience api://AzureADTokenExchange", async () => {
    const { result, request } = await loggedIn(gitHubEnv);
    expect(result.method).toBe(LoginMethod.OidcGitHub);
    expect(request.claims?.appid).toBe(oidcClient.clientId);
    expect(fake.githubRequests).toContainEqual({
      audience: "api://AzureADTokenExchange",
      authorization: `Bearer ${fake.githubRequestToken}`,
      ok: true,
    });
  });

  const gitHubConfig = given("github config audience", () => ({
    config: {
      ...cloudConfig(),
      useOidc: "true",
      oidcRequestUrl: fake.githubRequestUrl,
      oidcRequestToken: fake.githubRequestToken,
      oidcAudience: CUSTOM_OIDC_AUDIENCE,
      tenantId: fake.tenantId,
      clientId: audienceClient.clientId,
      subscriptionId: fake.subscriptionId,
    },
  }));
  test("GitHub Actions exchange from stack config with oidcAudience", async () => {
    const { request } = await loggedIn(gitHubConfig);
    expect(request.claims?.appid).toBe(audienceClient.clientId);
    expect(fake.githubRequests).toContainEqual(expect.objectContaining({ audience: CUSTOM_OIDC_AUDIENCE, ok: true }));
  });

  const gitHubValueCase = (key: string) => () => ({
    env: {
      ...fake.cloudEnv(),
      ARM_USE_OIDC: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: `${fake.githubRequestUrl}&valueKey=${key}`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: fake.githubRequestToken,
      ARM_TENANT_ID: fake.tenantId,
      ARM_CLIENT_ID: oidcClient.clientId,
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
    },
  });
  const gitHubValue = given("github Value", gitHubValueCase("Value"));
  const gitHubVALUE = given("github VALUE", gitHubValueCase("VALUE"));
  test("GitHub's token field is matched as Go's encoding/json matches `json:\"value\"`: `Value` and `VALUE` too", async () => {
    for (const name of [gitHubValue, gitHubVALUE]) {
      const { result, request } = await loggedIn(name);
      expect(result.method).toBe(LoginMethod.OidcGitHub);
      expect(request.claims?.appid).toBe(oidcClient.clientId);
    }
  });

  const msiSystem = given("msi system", () => ({
    env: {
      ...fake.cloudEnv(),
      ...fake.managedIdentityEnv(),
      ARM_USE_MSI: "true",
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
    },
  }));
  test("managed identity (system-assigned) through the IDENTITY_ENDPOINT override on loopback", async () => {
    const { result, request } = await loggedIn(msiSystem);
    expect(result.method).toBe(LoginMethod.ManagedIdentity);
    expect(request.claims?.appid).toBe(systemIdentity.clientId);
    expect(request.claims?.oid).toBe(systemIdentity.objectId);
  });

  const msiUser = given("msi user config", () => ({
    env: { ...fake.managedIdentityEnv() },
    config: { ...cloudConfig(), useMsi: "true", clientId: userIdentity.clientId, subscriptionId: fake.subscriptionId },
  }));
  test("managed identity: the user-assigned identity named by clientId (stack config)", async () => {
    const { request } = await loggedIn(msiUser);
    expect(request.claims?.appid).toBe(userIdentity.clientId);
    expect(fake.managedIdentityRequests).toContainEqual(
      expect.objectContaining({ clientId: userIdentity.clientId, resource: fake.audience, ok: true }),
    );
  });

  const defaultCredential = given("default credential", () => ({
    env: {
      ...fake.cloudEnv(),
      ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true",
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
      AZURE_TENANT_ID: fake.tenantId,
      AZURE_CLIENT_ID: DAC_CLIENT,
      AZURE_CLIENT_SECRET: "dac-secret",
    },
  }));
  test("useDefaultAzureCredential: DefaultAzureCredential on the configured cloud (it reads AZURE_*)", async () => {
    const { result, request } = await loggedIn(defaultCredential);
    expect(result.method).toBe(LoginMethod.DefaultAzureCredential);
    expect(request.claims?.appid).toBe(DAC_CLIENT);
  });

  const defaultCredentialTenant = given("default credential tenant", () => {
    const tokenFile = path.join(fake.dir, "workload-token");
    fs.writeFileSync(tokenFile, fake.issueOidcToken());
    return {
      // Workload identity inside DefaultAzureCredential: the tenant comes only from ARM_TENANT_ID (no
      // AZURE_TENANT_ID), as azure-native passes tenantId to DefaultAzureCredentialOptions.TenantID.
      env: {
        ...fake.cloudEnv(),
        ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true",
        ARM_SUBSCRIPTION_ID: fake.subscriptionId,
        ARM_TENANT_ID: fake.tenantId,
        AZURE_CLIENT_ID: oidcClient.clientId,
        AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      },
    };
  });
  test("useDefaultAzureCredential gets the configured tenant (its workload identity logs in with ARM_TENANT_ID)", async () => {
    const { result, request } = await loggedIn(defaultCredentialTenant);
    expect(result.method).toBe(LoginMethod.DefaultAzureCredential);
    expect(request.claims?.appid).toBe(oidcClient.clientId);
    expect(request.claims?.tid).toBe(fake.tenantId);
  });

  const userOid = "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d";
  const cli = given("azure cli", () => ({
    az: {
      account: {
        id: CLI_SUBSCRIPTION,
        tenantId: fake.tenantId,
        environmentName: "FakeCloud",
        isDefault: true,
        name: "dev",
        state: "Enabled",
        user: { name: "dev@contoso.com", type: "user" },
      },
      token: fake.issueArmToken({ appid: AZ_CLI_APP_ID, tid: fake.tenantId, oid: userOid }),
      clouds: { FakeCloud: fakeCliCloud() },
    },
  }));
  test("Azure CLI (nothing configured): token, subscription and cloud from the fake az on PATH", async () => {
    const { result, request, subscription, azCalls } = await loggedIn(cli);
    expect(result.method).toBe(LoginMethod.AzureCli);
    expect(subscription).toBe(CLI_SUBSCRIPTION);
    expect(result.cloud?.name).toBe("FakeCloud");
    expect(request.claims?.appid).toBe(AZ_CLI_APP_ID);
    expect(request.claims?.oid).toBe(userOid);
    expect(azCalls).toEqual([
      ["account", "show", "-o", "json"],
      ["cloud", "show", "--name", "FakeCloud", "-o", "json"],
      ["account", "get-access-token", "--output", "json", "--resource", fake.audience],
    ]);
  });

  const cliSubscription = given("azure cli subscription", () => ({
    env: { ...fake.cloudEnv() },
    config: { subscriptionId: CONFIG_SUBSCRIPTION },
    az: {
      account: { id: CLI_SUBSCRIPTION, tenantId: fake.tenantId, environmentName: "FakeCloud" },
      token: fake.issueArmToken({ appid: AZ_CLI_APP_ID, tid: fake.tenantId }),
      clouds: { FakeCloud: fakeCliCloud() },
    },
  }));
  test("Azure CLI with a configured subscription and cloud: az is asked for that subscription", async () => {
    const { subscription, azCalls } = await loggedIn(cliSubscription);
    expect(subscription).toBe(CONFIG_SUBSCRIPTION);
    expect(azCalls[0]).toEqual(["account", "show", "-o", "json", "--subscription", CONFIG_SUBSCRIPTION]);
    expect(azCalls.at(-1)).toEqual([
      "account",
      "get-access-token",
      "--output",
      "json",
      "--resource",
      fake.audience,
      "--subscription",
      CONFIG_SUBSCRIPTION,
    ]);
  });
});

describe("the Azure CLI with a configured tenant", () => {
  const cliTenant = given("azure cli tenant", () => ({
    env: { ...fake.cloudEnv(), ARM_TENANT_ID: fake.tenantId },
    az: {
      account: { id: CLI_SUBSCRIPTION, tenantId: OTHER_TENANT, environmentName: "FakeCloud" },
      token: fake.issueArmToken({ appid: AZ_CLI_APP_ID, tid: fake.tenantId }),
      clouds: { FakeCloud: fakeCliCloud() },
    },
  }));
  test("az is asked for a token of the configured tenant (azure-native sets AzureCLICredentialOptions.TenantID)", async () => {
    const { result, azCalls } = await loggedIn(cliTenant);
    expect(result.method).toBe(LoginMethod.AzureCli);
    expect(azCalls.at(-1)).toEqual([
      "account",
      "get-access-token",
      "--output",
      "json",
      "--resource",
      fake.audience,
      "--tenant",
      fake.tenantId,
    ]);
  });
});

describe("a configured method that fails names its setting and never falls through", () => {
  // Every failing case also has a working managed identity and a logged-in Azure CLI: neither may be used.
  const withFallbacks = (env: Record<string, string>): Case => ({
    env: { ...fake.managedIdentityEnv(), ...env },
    az: {
      account: { id: CLI_SUBSCRIPTION, tenantId: fake.tenantId, environmentName: "FakeCloud" },
      token: fake.issueArmToken({ appid: AZ_CLI_APP_ID, tid: fake.tenantId }),
      clouds: { FakeCloud: fakeCliCloud() },
    },
  });

  const wrongSecret = given("wrong secret", () =>
    withFallbacks({ ...fake.env(), ARM_CLIENT_SECRET: "wrong", ARM_USE_MSI: "true" }),
  );
  test("a wrong client secret: the token error names azure-native:clientSecret / ARM_CLIENT_SECRET", async () => {
    const error = await failed(wrongSecret);
    expect(error).toContain("azure-native:clientSecret / ARM_CLIENT_SECRET");
    expect(error).toContain("AADSTS7000215");
    expect(error).toContain("does not fall back");
  });

  const noTenant = given("secret without tenant", () => {
    const env: Record<string, string> = { ...fake.env() };
    delete env.ARM_TENANT_ID;
    return withFallbacks(env);
  });
  test("a client secret without tenant: names azure-native:tenantId / ARM_TENANT_ID", async () => {
    expect(await failed(noTenant)).toMatch(
      /A Tenant ID must be configured when authenticating as a Service Principal using a Client Secret: set azure-native:tenantId \/ ARM_TENANT_ID/,
    );
  });

  const wrongPassword = given("pfx wrong password", () =>
    withFallbacks({
      ...fake.env(),
      ARM_CLIENT_CERTIFICATE_PATH: certificatePfx,
      ARM_CLIENT_CERTIFICATE_PASSWORD: "wrong",
    }),
  );
  test("a PFX with the wrong password: names clientCertificatePath and clientCertificatePassword", async () => {
    const error = await failed(wrongPassword);
    expect(error).toContain("the Client Certificate Path is not a valid pfx file");
    // A PKCS#12 file with a password is not read as PEM (azidentity tries PEM only without a password).
    expect(error).not.toContain("PEM file, which takes no password");
    expect(error).toContain("azure-native:clientCertificatePath / ARM_CLIENT_CERTIFICATE_PATH");
    expect(error).toContain("azure-native:clientCertificatePassword / ARM_CLIENT_CERTIFICATE_PASSWORD");
  });

  const unregisteredCertificate = given("certificate not registered", () =>
    // The default client has a secret but no certificate.
    withFallbacks({ ...fake.env(), ARM_CLIENT_CERTIFICATE_PATH: certificatePfxNoPassword }),
  );
  test("a certificate the service principal does not have: the token error names the certificate settings", async () => {
    const error = await failed(unregisteredCertificate);
    expect(error).toContain("azure-native:clientCertificatePath / ARM_CLIENT_CERTIFICATE_PATH");
    expect(error).toContain("AADSTS700027");
  });

  const missingTokenFile = given("missing oidc file", () =>
    withFallbacks({
      ...fake.cloudEnv(),
      ARM_USE_OIDC: "true",
      ARM_OIDC_TOKEN_FILE_PATH: path.join(fake.dir, "missing-token"),
      ARM_TENANT_ID: fake.tenantId,
      ARM_CLIENT_ID: oidcClient.clientId,
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
    }),
  );
  test("an unreadable OIDC token file names azure-native:oidcTokenFilePath / ARM_OIDC_TOKEN_FILE_PATH", async () => {
    const error = await failed(missingTokenFile);
    expect(error).toContain("failed to read OIDC token");
    expect(error).toContain("azure-native:oidcTokenFilePath / ARM_OIDC_TOKEN_FILE_PATH");
  });

  const refusedGitHub = given("github refuses", () =>
    withFallbacks({
      ...fake.cloudEnv(),
      ARM_USE_OIDC: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: fake.githubRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "expired",
      ARM_TENANT_ID: fake.tenantId,
      ARM_CLIENT_ID: oidcClient.clientId,
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
    }),
  );
  test("a GitHub request token GitHub refuses: names the oidcRequest settings", async () => {
    const error = await failed(refusedGitHub);
    expect(error).toContain("GitHub OIDC: 401");
    expect(error).toContain("azure-native:oidcRequestToken / ACTIONS_ID_TOKEN_REQUEST_TOKEN");
  });

  const unknownIdentity = given("unknown managed identity", () =>
    withFallbacks({
      ...fake.cloudEnv(),
      ARM_USE_MSI: "true",
      ARM_CLIENT_ID: "00000000-0000-4000-8000-000000000000",
      ARM_SUBSCRIPTION_ID: fake.subscriptionId,
    }),
  );
  test("a managed identity the endpoint does not know: names azure-native:useMsi and clientId", async () => {
    const error = await failed(unknownIdentity);
    expect(error).toContain("azure-native:useMsi / ARM_USE_MSI");
    expect(error).toContain("azure-native:clientId / ARM_CLIENT_ID");
  });

  const notLoggedIn = given("az not logged in", () => ({ env: { ...fake.cloudEnv() }, az: {} }));
  test("the Azure CLI when not logged in: says so and names the methods one could configure", async () => {
    const error = await failed(notLoggedIn);
    expect(error).toContain("Please run 'az login'");
    expect(error).toContain("azure-native:clientSecret / ARM_CLIENT_SECRET");
  });

  const cliMismatch = given("az other cloud", () => ({
    env: { ...fake.cloudEnv() },
    az: { account: { id: CLI_SUBSCRIPTION, tenantId: fake.tenantId, environmentName: "AzureCloud" }, token: "x" },
  }));
  test("the Azure CLI on another cloud than the configured one: azure-native's mismatch error", async () => {
    expect(await failed(cliMismatch)).toContain(
      "The configured Azure cloud 'custom' does not match the active cloud 'AzureCloud'",
    );
  });
});

describe("loopback only", () => {
  const discovery = given("instance discovery control", () => ({
    withInstanceDiscovery: {
      tenantId: fake.tenantId,
      clientId: fake.defaultClient.clientId,
      secret: fake.defaultClient.secret,
      authorityHost: `${fake.url}/`,
      scope: `${fake.audience}/.default`,
    },
  }));
  test("control: with instance discovery left on, MSAL would call login.microsoftonline.com (the login turns it off)", async () => {
    const { result } = await outcome(discovery);
    expect(result.ok).toBe(false);
    expect(result.refused.map((r) => r.target)).toContainEqual(expect.stringContaining("login.microsoftonline.com"));
  });

  const probe = given("probe", () => ({
    probe: [
      "https://login.microsoftonline.com/common/discovery/instance",
      "http://169.254.169.254/metadata/identity/oauth2/token",
    ],
  }));
  test("the preload refuses and records outside connections (login.microsoftonline.com, IMDS)", async () => {
    const { result } = await outcome(probe);
    expect(result.probe).toHaveLength(2);
    expect(result.probe?.every((line) => line.includes("loopbackOnly: refused"))).toBe(true);
    expect(result.refused.map((r) => r.target)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("login.microsoftonline.com"),
        expect.stringContaining("169.254.169.254"),
      ]),
    );
  });
});

describe("pure resolution (no network)", () => {
  const none = () => undefined;

  // Every name pulumi-azure-native's cloud.FromName maps (provider/pkg/azure/cloud/cloud.go; its cloud_test.go
  // TestFromName), in several spellings: the match is case-insensitive.
  test.each([
    ["public", clouds.public],
    ["AzureCloud", clouds.public],
    ["azurecloud", clouds.public],
    ["china", clouds.china],
    ["azurechinacloud", clouds.china],
    ["AzureChinaCloud", clouds.china],
    ["usgov", clouds.usgovernment],
    ["usgovernment", clouds.usgovernment],
    ["azureusgovernment", clouds.usgovernment],
    ["AzureUSGovernment", clouds.usgovernment],
    ["azureusgovernmentcloud", clouds.usgovernment],
    ["AzureUSGovernmentCloud", clouds.usgovernment],
    ["usgovernmentl4", clouds.usgovernment],
    ["USGovernmentL4", clouds.usgovernment],
  ])("environment %s", (name, cloud) => {
    expect(cloudByName(name)).toEqual(cloud);
    expect(resolveCloud(none, { ARM_ENVIRONMENT: name })).toEqual(cloud);
  });

  // Names upstream does not map (it would silently use the public cloud): an error naming the setting.
  test.each(["AzurePublicCloud", "usgovernmentl5", "dod", "global", "germany", "pubilc", "usgovernment "])(
    "environment %j is an error naming azure-native:environment, never the public cloud",
    async (name) => {
      expect(() => resolveCloud(none, { ARM_ENVIRONMENT: name })).toThrow(AzureLoginError);
      expect(() => resolveCloud((k) => (k === "environment" ? name : undefined), {})).toThrow(
        /Unknown Azure cloud ".*" in azure-native:environment \/ ARM_ENVIRONMENT \/ AZURE_ENVIRONMENT: use one of public, azurecloud, china/,
      );
      await expect(
        resolveLogin(none, {
          AZURE_ENVIRONMENT: name,
          ARM_CLIENT_ID: "c",
          ARM_TENANT_ID: "t",
          ARM_CLIENT_SECRET: "s",
          ARM_SUBSCRIPTION_ID: "sub",
        }),
      ).rejects.toThrow(/azure-native:environment \/ ARM_ENVIRONMENT/);
    },
  );

  test("the cloud endpoints and authority hosts (azcore's well-known clouds)", () => {
    expect(clouds).toEqual({
      public: {
        name: "public",
        resourceManagerEndpoint: "https://management.azure.com",
        resourceManagerAudience: "https://management.core.windows.net/",
        activeDirectoryAuthorityHost: "https://login.microsoftonline.com/",
      },
      usgovernment: {
        name: "usgovernment",
        resourceManagerEndpoint: "https://management.usgovcloudapi.net",
        resourceManagerAudience: "https://management.core.usgovcloudapi.net",
        activeDirectoryAuthorityHost: "https://login.microsoftonline.us/",
      },
      china: {
        name: "china",
        resourceManagerEndpoint: "https://management.chinacloudapi.cn",
        resourceManagerAudience: "https://management.core.chinacloudapi.cn",
        activeDirectoryAuthorityHost: "https://login.chinacloudapi.cn/",
      },
    });
  });

  test("environment: stack config, then ARM_ENVIRONMENT, then AZURE_ENVIRONMENT; unset = none (public at login)", () => {
    expect(
      resolveCloud((k) => (k === "environment" ? "china" : undefined), { ARM_ENVIRONMENT: "usgovernment" }),
    ).toEqual(clouds.china);
    expect(resolveCloud(none, { ARM_ENVIRONMENT: "usgovernment", AZURE_ENVIRONMENT: "china" })).toEqual(
      clouds.usgovernment,
    );
    expect(resolveCloud(none, { AZURE_ENVIRONMENT: "china" })).toEqual(clouds.china);
    expect(resolveCloud(none, {})).toBeUndefined();
    // A key present in the stack config is used as it is, even empty (azure-native's getConfig).
    expect(resolveCloud((k) => (k === "environment" ? "" : undefined), { ARM_ENVIRONMENT: "china" })).toBeUndefined();
  });

  test("the custom triple wins over environment; an incomplete triple names the missing settings", () => {
    const triple = {
      ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST: "https://login.example.test/",
      ARM_RESOURCE_MANAGER_AUDIENCE: "https://management.example.test/",
      ARM_RESOURCE_MANAGER_ENDPOINT: "https://arm.example.test/",
    };
    expect(resolveCloud(none, { ...triple, ARM_ENVIRONMENT: "china" })).toEqual({
      name: "custom",
      activeDirectoryAuthorityHost: "https://login.example.test/",
      resourceManagerAudience: "https://management.example.test/",
      resourceManagerEndpoint: "https://arm.example.test",
    });
    const partial = { ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST: triple.ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST };
    expect(() => resolveCloud(none, partial)).toThrow(AzureLoginError);
    expect(() => resolveCloud(none, partial)).toThrow(
      /missing: azure-native:resourceManagerAudience \/ ARM_RESOURCE_MANAGER_AUDIENCE, azure-native:resourceManagerEndpoint \/ ARM_RESOURCE_MANAGER_ENDPOINT\./,
    );
    expect(() =>
      resolveCloud((k) => (k === "resourceManagerEndpoint" ? "https://arm.example.test" : undefined), {}),
    ).toThrow(
      /missing: azure-native:activeDirectoryAuthorityHost \/ ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST, azure-native:resourceManagerAudience/,
    );
  });

  test.each([
    ["public", "https://management.azure.com", "https://management.core.windows.net//.default"],
    ["usgovernment", "https://management.usgovcloudapi.net", "https://management.core.usgovcloudapi.net/.default"],
    ["china", "https://management.chinacloudapi.cn", "https://management.core.chinacloudapi.cn/.default"],
  ])(
    "a client-secret login on %s: ARM endpoint and scope <audience>/.default",
    async (environment, endpoint, scope) => {
      const login = await resolveLogin(none, {
        ARM_ENVIRONMENT: environment,
        ARM_CLIENT_ID: "c",
        ARM_TENANT_ID: "t",
        ARM_CLIENT_SECRET: "s",
        ARM_SUBSCRIPTION_ID: "sub",
      });
      expect(login.method).toBe(LoginMethod.ClientSecret);
      expect(login.cloud.resourceManagerEndpoint).toBe(endpoint);
      expect(login.scope).toBe(scope);
      expect(login.subscriptionId).toBe("sub");
    },
  );

  test("method order: default credential > certificate > secret > OIDC > MSI (each set together with all later ones)", async () => {
    const all: Record<string, string> = {
      ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true",
      ARM_CLIENT_CERTIFICATE_PATH: "/nonexistent.pfx",
      ARM_CLIENT_SECRET: "s",
      ARM_USE_OIDC: "true",
      ARM_OIDC_TOKEN: "token",
      ARM_USE_MSI: "true",
      ARM_CLIENT_ID: "c",
      ARM_TENANT_ID: "t",
      ARM_SUBSCRIPTION_ID: "sub",
    };
    const without = (...names: string[]) => Object.fromEntries(Object.entries(all).filter(([k]) => !names.includes(k)));
    expect((await resolveLogin(none, all)).method).toBe(LoginMethod.DefaultAzureCredential);
    // The certificate comes next: an unreadable one is an error, not a fall-through to the secret.
    await expect(resolveLogin(none, without("ARM_USE_DEFAULT_AZURE_CREDENTIAL"))).rejects.toThrow(
      /ARM_CLIENT_CERTIFICATE_PATH/,
    );
    const after = ["ARM_USE_DEFAULT_AZURE_CREDENTIAL", "ARM_CLIENT_CERTIFICATE_PATH"];
    expect((await resolveLogin(none, without(...after))).method).toBe(LoginMethod.ClientSecret);
    expect((await resolveLogin(none, without(...after, "ARM_CLIENT_SECRET"))).method).toBe(LoginMethod.OidcToken);
    expect((await resolveLogin(none, without(...after, "ARM_CLIENT_SECRET", "ARM_USE_OIDC"))).method).toBe(
      LoginMethod.ManagedIdentity,
    );
    // Booleans are azure-native's: exactly "true".
    expect(
      await resolveLogin(none, { ...without(...after, "ARM_CLIENT_SECRET", "ARM_USE_OIDC"), ARM_USE_MSI: "1" }).catch(
        (e: Error) => e.message,
      ),
    ).toMatch(/Azure CLI/);
  });

  test("errors before any request name the setting", async () => {
    await expect(
      resolveLogin(none, { ARM_USE_OIDC: "true", ARM_CLIENT_ID: "c", ARM_TENANT_ID: "t", ARM_SUBSCRIPTION_ID: "s" }),
    ).rejects.toThrow(
      /A OIDC token or request URL and token must be configured when authenticating with OIDC: set azure-native:oidcToken \/ ARM_OIDC_TOKEN, or azure-native:oidcTokenFilePath \/ ARM_OIDC_TOKEN_FILE_PATH, or both azure-native:oidcRequestUrl \/ ACTIONS_ID_TOKEN_REQUEST_URL and azure-native:oidcRequestToken \/ ACTIONS_ID_TOKEN_REQUEST_TOKEN/,
    );
    await expect(resolveLogin(none, { ARM_USE_MSI: "true" })).rejects.toThrow(
      /A Subscription ID must be configured when authenticating as a Managed Identity using MSI: set azure-native:subscriptionId \/ ARM_SUBSCRIPTION_ID/,
    );
    await expect(resolveLogin(none, { ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true" })).rejects.toThrow(
      /azure-native:subscriptionId/,
    );
    await expect(
      resolveLogin(none, { ARM_CLIENT_SECRET: "s", ARM_TENANT_ID: "t", ARM_SUBSCRIPTION_ID: "s" }),
    ).rejects.toThrow(
      /A Client ID must be configured .*azure-native:clientId \/ ARM_CLIENT_ID \(this method was chosen because azure-native:clientSecret \/ ARM_CLIENT_SECRET is set\)/,
    );
    await expect(resolveLogin((k) => (k === "auxiliaryTenantIds" ? "not json" : undefined), {})).rejects.toThrow(
      /Auxiliary Tenants \(azure-native:auxiliaryTenantIds \/ ARM_AUXILIARY_TENANT_IDS\)/,
    );
  });

  test("a PFX with its chain becomes PEM: the key, then the certificate of the key, then the chain", async () => {
    const dir = path.join(fake.dir, "chain");
    fs.mkdirSync(dir);
    const ssl = (args: string[]) => run("openssl", args, { cwd: dir });
    await ssl([
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-subj",
      "/CN=chain-ca",
      "-days",
      "2",
    ]);
    await ssl([
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "leaf.key",
      "-out",
      "leaf.csr",
      "-subj",
      "/CN=chain-leaf",
    ]);
    await ssl([
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "leaf.crt",
      "-days",
      "2",
    ]);
    // The CA is given first; openssl puts the certificate of the key first anyway, and so must we.
    fs.writeFileSync(
      path.join(dir, "both.crt"),
      fs.readFileSync(path.join(dir, "ca.crt"), "utf8") + fs.readFileSync(path.join(dir, "leaf.crt"), "utf8"),
    );
    await ssl([
      "pkcs12",
      "-export",
      "-inkey",
      "leaf.key",
      "-in",
      "both.crt",
      "-out",
      "chain.pfx",
      "-passout",
      "pass:chain",
    ]);
    const pem = pfxToPem(fs.readFileSync(path.join(dir, "chain.pfx")), "chain");
    const certificates = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(certificates.map((c) => new X509Certificate(c).subject)).toEqual(["CN=chain-leaf", "CN=chain-ca"]);
    expect(createPrivateKey(pem).export({ type: "pkcs8", format: "pem" })).toBe(
      createPrivateKey(fs.readFileSync(path.join(dir, "leaf.key"))).export({ type: "pkcs8", format: "pem" }),
    );
    expect(() => pfxToPem(fs.readFileSync(path.join(dir, "chain.pfx")), "wrong")).toThrow(/Invalid password/);
  });

  test("PEM client certificates: a password, an encrypted key, no key, no certificate are errors naming the setting", async () => {
    const login = (file: string, password?: string) =>
      resolveLogin(none, {
        ARM_CLIENT_ID: certClient.clientId,
        ARM_TENANT_ID: fake.tenantId,
        ARM_SUBSCRIPTION_ID: "sub",
        ARM_CLIENT_CERTIFICATE_PATH: file,
        ...(password === undefined ? {} : { ARM_CLIENT_CERTIFICATE_PASSWORD: password }),
      });
    expect((await login(certificatePem)).method).toBe(LoginMethod.ClientCertificate);
    await expect(login(certificatePem, "secret")).rejects.toThrow(
      /azure-native:clientCertificatePath \/ ARM_CLIENT_CERTIFICATE_PATH = .*client\.pem.*the file is PEM, which takes no password: unset the certificate password/,
    );
    await expect(login(certificatePemEncrypted)).rejects.toThrow(/ARM_CLIENT_CERTIFICATE_PATH.*found no private key/);
    const certOnly = path.join(fake.dir, "cert-only.pem");
    fs.writeFileSync(certOnly, fs.readFileSync(path.join(fake.dir, "client.crt")));
    await expect(login(certOnly)).rejects.toThrow(/ARM_CLIENT_CERTIFICATE_PATH.*found no private key/);
    const keyOnly = path.join(fake.dir, "key-only.pem");
    fs.writeFileSync(keyOnly, fs.readFileSync(path.join(fake.dir, "client.key")));
    await expect(login(keyOnly)).rejects.toThrow(/ARM_CLIENT_CERTIFICATE_PATH.*found no certificate/);
    const twoKeys = path.join(fake.dir, "two-keys.pem");
    fs.writeFileSync(
      twoKeys,
      fs.readFileSync(certificatePem, "utf8") + fs.readFileSync(path.join(fake.dir, "client-rsa.key")),
    );
    await expect(login(twoKeys)).rejects.toThrow(/multiple private keys/);
  });

  test("the method table: azure-native's order, the first entry that applies wins, the Azure CLI always applies", () => {
    expect(loginMethods.map((m) => m.method)).toEqual([
      LoginMethod.DefaultAzureCredential,
      LoginMethod.ClientCertificate,
      LoginMethod.ClientSecret,
      LoginMethod.OidcToken,
      LoginMethod.OidcTokenFile,
      LoginMethod.OidcGitHub,
      LoginMethod.ManagedIdentity,
      LoginMethod.AzureCli,
    ]);
    const choose = (env: Record<string, string>) => chooseMethod(new Settings(none, env)).method;
    expect(choose({})).toBe(LoginMethod.AzureCli);
    expect(choose({ ARM_USE_OIDC: "true", ARM_OIDC_TOKEN_FILE_PATH: "/f", ARM_USE_MSI: "true" })).toBe(
      LoginMethod.OidcTokenFile,
    );
    // useOidc with nothing to present is still OIDC (its error), never the managed identity after it.
    expect(choose({ ARM_USE_OIDC: "true", ARM_USE_MSI: "true" })).toBe(LoginMethod.OidcGitHub);
    // Every entry names the settings it reads, with azure-native's key and variable.
    for (const entry of loginMethods) {
      for (const setting of entry.settings) {
        expect(loginSettings[setting]).toBeDefined();
      }
    }
  });

  test("every setting has azure-native's config key and environment variable", () => {
    expect(Object.values(loginSettings).map((s) => `${s.key}=${s.env.join("|")}`)).toEqual([
      "clientId=ARM_CLIENT_ID",
      "tenantId=ARM_TENANT_ID",
      "subscriptionId=ARM_SUBSCRIPTION_ID",
      "auxiliaryTenantIds=ARM_AUXILIARY_TENANT_IDS",
      "clientSecret=ARM_CLIENT_SECRET",
      "clientCertificatePath=ARM_CLIENT_CERTIFICATE_PATH",
      "clientCertificatePassword=ARM_CLIENT_CERTIFICATE_PASSWORD",
      "useMsi=ARM_USE_MSI",
      "useOidc=ARM_USE_OIDC",
      "oidcAudience=ARM_OIDC_AUDIENCE",
      "oidcToken=ARM_OIDC_TOKEN",
      "oidcTokenFilePath=ARM_OIDC_TOKEN_FILE_PATH",
      "oidcRequestToken=ACTIONS_ID_TOKEN_REQUEST_TOKEN",
      "oidcRequestUrl=ACTIONS_ID_TOKEN_REQUEST_URL",
      "useDefaultAzureCredential=ARM_USE_DEFAULT_AZURE_CREDENTIAL",
      "disableInstanceDiscovery=ARM_DISABLE_INSTANCE_DISCOVERY",
      "environment=ARM_ENVIRONMENT|AZURE_ENVIRONMENT",
      "activeDirectoryAuthorityHost=ARM_ACTIVE_DIRECTORY_AUTHORITY_HOST",
      "resourceManagerAudience=ARM_RESOURCE_MANAGER_AUDIENCE",
      "resourceManagerEndpoint=ARM_RESOURCE_MANAGER_ENDPOINT",
    ]);
  });
});

describe("createOperationContext in-process (client retries, LRO, caching)", () => {
  const registryPath = (group: string) =>
    `/subscriptions/${fake.subscriptionId}/resourceGroups/${group}/providers/Microsoft.ContainerRegistry/registries/acr`;
  let untrust: () => void;
  beforeAll(() => {
    untrust = fake.trustInProcess();
  });
  afterAll(() => untrust());

  test("429 is retried after its Retry-After, 5xx and a lost response are retried, all with the same login", async () => {
    const context = createOperationContext(
      () => undefined,
      fake.env(),
      () => undefined,
    );
    const client = await context.client();
    fake.faults.add({ kind: "throttle", retryAfterSeconds: 1, path: /\/resourceGroups\/rg-retry\// });
    fake.faults.add({ kind: "serverError", status: 503, path: /\/resourceGroups\/rg-retry\// });
    fake.faults.add({ kind: "dropAfter", path: /\/resourceGroups\/rg-retry\// });
    const started = Date.now();
    const registry = await client.registries.get("rg-retry", "acr");
    expect(registry.id).toBe(registryPath("rg-retry"));
    const seen = fake.requests.filter((r) => r.path === registryPath("rg-retry"));
    expect(seen.map((r) => [r.status, r.fault])).toEqual([
      [429, "throttle"],
      [503, "serverError"],
      [0, "dropAfter"],
      [200, undefined],
    ]);
    expect(seen[1].headers["x-ms-client-request-id"]).toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(new Set(seen.map((r) => r.claims?.appid))).toEqual(new Set([fake.defaultClient.clientId]));
  });

  test("the OIDC token file is read again for each token request (a projected token rotates)", async () => {
    const tokenFile = path.join(fake.dir, "rotating-token");
    fs.writeFileSync(tokenFile, "not-a-jwt");
    const login = await resolveLogin(
      (key) =>
        ({
          ...cloudConfig(),
          useOidc: "true",
          oidcTokenFilePath: tokenFile,
          tenantId: fake.tenantId,
          clientId: oidcClient.clientId,
          subscriptionId: fake.subscriptionId,
        })[key],
      {},
    );
    expect(login.method).toBe(LoginMethod.OidcTokenFile);
    // 1. The file holds garbage: Entra ID refuses the assertion; the error names the setting.
    await expect(login.credential.getToken(`${fake.audience}/.default`)).rejects.toThrow(
      /azure-native:oidcTokenFilePath \/ ARM_OIDC_TOKEN_FILE_PATH.*AADSTS/,
    );
    // 2. Rewritten with a valid token (the kubelet's rotation): the next request presents it.
    fs.writeFileSync(tokenFile, fake.issueOidcToken());
    const token = await login.credential.getToken(`${fake.audience}/.default`);
    expect(JSON.parse(Buffer.from((token?.token ?? "").split(".")[1], "base64url").toString()).appid).toBe(
      oidcClient.clientId,
    );
    // 3. Rewritten again (expired, here garbage): a request for another scope reads it again and fails.
    fs.writeFileSync(tokenFile, "expired-token");
    await expect(login.credential.getToken("https://other.example.test/.default")).rejects.toThrow(/AADSTS/);
    // 4. Removed: the error names the setting and the file.
    fs.rmSync(tokenFile);
    await expect(login.credential.getToken("https://third.example.test/.default")).rejects.toThrow(
      /failed to read OIDC token from .*rotating-token \(azure-native:oidcTokenFilePath \/ ARM_OIDC_TOKEN_FILE_PATH\)/,
    );
  });

  describe("ARM retries as azure-native's (client_azcore.go initPipelineOpts on azcore's retry policy)", () => {
    /** azure-native's policy with the base delay in milliseconds (the SDK's own options, injected). */
    const fast: ArmRetryOptions = { ...armRetryOptions, retryDelayInMs: 5, maxRetryDelayInMs: 2_000 };
    const context = () =>
      createOperationContext(
        () => undefined,
        fake.env(),
        () => undefined,
        fast,
      );
    const seenFor = (group: string) =>
      fake.requests.filter((r) => r.path === registryPath(group)).map((r) => [r.status, r.fault]);

    test("the numbers are upstream's: 3 retries, (2^n - 1) x 20 s x [0.8, 1.3), capped at 120 s", () => {
      expect(armRetryOptions).toEqual({ maxRetries: 3, retryDelayInMs: 20_000, maxRetryDelayInMs: 120_000 });
      expect([1, 2, 3].map((n) => armRetryDelay(armRetryOptions, n, () => 0))).toEqual([16_000, 48_000, 112_000]);
      expect([1, 2, 3].map((n) => Math.round(armRetryDelay(armRetryOptions, n, () => 0.5)))).toEqual([
        21_000, 63_000, 120_000,
      ]);
      expect(armRetryDelay(armRetryOptions, 3, () => 0.999)).toBe(120_000);
    });

    test("409 AnotherOperationInProgress is retried; another 409 is not", async () => {
      const client = await context().client();
      fake.faults.add({ kind: "conflict", times: 2, path: /\/resourceGroups\/rg-conflict\// });
      expect((await client.registries.get("rg-conflict", "acr")).id).toBe(registryPath("rg-conflict"));
      expect(seenFor("rg-conflict")).toEqual([
        [409, "conflict"],
        [409, "conflict"],
        [200, undefined],
      ]);
      fake.faults.add({ kind: "conflict", code: "Conflict", path: /\/resourceGroups\/rg-conflict2\// });
      await expect(client.registries.get("rg-conflict2", "acr")).rejects.toMatchObject({ statusCode: 409 });
      expect(seenFor("rg-conflict2")).toEqual([[409, "conflict"]]);
    });

    test("at most 3 retries (4 attempts), then the last answer's error", async () => {
      const client = await context().client();
      fake.faults.add({ kind: "serverError", status: 503, times: 5, path: /\/resourceGroups\/rg-exhaust\// });
      await expect(client.registries.get("rg-exhaust", "acr")).rejects.toMatchObject({ statusCode: 503 });
      expect(seenFor("rg-exhaust")).toHaveLength(4);
      fake.faults.clear();
    });

    test("a Retry-After above the maximum delay is not waited for (azcore stops retrying)", async () => {
      const client = await context().client();
      fake.faults.add({ kind: "throttle", retryAfterSeconds: 3, path: /\/resourceGroups\/rg-long-wait\// });
      const started = Date.now();
      await expect(client.registries.get("rg-long-wait", "acr")).rejects.toMatchObject({ statusCode: 429 });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(seenFor("rg-long-wait")).toEqual([[429, "throttle"]]);
    });

    test("a 4xx other than 408/429/409-in-progress is final", async () => {
      const client = await context().client();
      fake.faults.add({ kind: "serverError", status: 400, path: /\/resourceGroups\/rg-bad\// });
      await expect(client.registries.get("rg-bad", "acr")).rejects.toMatchObject({ statusCode: 400 });
      expect(seenFor("rg-bad")).toHaveLength(1);
    });
  });

  test("the fake's LRO helper drives the SDK's poller (Azure-AsyncOperation + Location)", async () => {
    fake.route("POST", /\/registries\/acr\/generateCredentials$/, () =>
      fake.lro({
        polls: 2,
        result: () => ({ username: "token", passwords: [{ name: "password1", value: "generated" }] }),
      }),
    );
    const client = await createOperationContext(() => undefined, fake.env()).client();
    const result = await client.registries.beginGenerateCredentialsAndWait("rg-lro", "acr", {
      tokenId: `${registryPath("rg-lro")}/tokens/token`,
      name: "password1",
    });
    expect(result.passwords?.[0].value).toBe("generated");
    expect(fake.requests.filter((r) => r.path.startsWith("/fakeOperations/")).length).toBeGreaterThanOrEqual(3);
  });

  test("one login per context, resolved on first use; a configuration error is not cached", async () => {
    const config: Record<string, string> = {};
    const context = createOperationContext((key) => config[key], { ...fake.cloudEnv(), ARM_CLIENT_SECRET: "s" });
    await expect(context.client()).rejects.toThrow(/azure-native:subscriptionId \/ ARM_SUBSCRIPTION_ID/);
    Object.assign(config, {
      subscriptionId: fake.subscriptionId,
      tenantId: fake.tenantId,
      clientId: fake.defaultClient.clientId,
      clientSecret: fake.defaultClient.secret,
    });
    const client = await context.client();
    expect(await context.client()).toBe(client);
    expect(await context.client(CONFIG_SUBSCRIPTION)).not.toBe(client);
    expect((await context.login()).method).toBe(LoginMethod.ClientSecret);
  });
});
