/**
 * azure-native v3's login (platform-facts §10) as the deploy-time operations reproduce it: each method, end to end,
 * in a child `node` (a fresh one for the managed identity and DefaultAzureCredential, which MSAL keeps state for per
 * process) against the fake Entra ID / managed identity / GitHub / ARM over HTTPS (custom cloud), and the Azure CLI
 * with a configured tenant. The cases, the fake and which cases share a child: test/harness/loginCases.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LoginMethod } from "../components/operations/login";
import {
  AZ_CLI_APP_ID,
  audienceClient,
  certClient,
  certificatePem,
  certificatePemPkcs1,
  certificatePfx,
  certificatePfxNoPassword,
  CLI_SUBSCRIPTION,
  cloudConfig,
  CONFIG_SUBSCRIPTION,
  CUSTOM_OIDC_AUDIENCE,
  DAC_CLIENT,
  ENV_CLIENT,
  fake,
  fakeCliCloud,
  given,
  granted,
  loggedIn,
  oidcClient,
  OTHER_TENANT,
  PFX_PASSWORD,
  systemIdentity,
  userIdentity,
  useLoginFake,
} from "./harness/loginCases";

useLoginFake();

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
