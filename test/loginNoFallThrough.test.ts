/**
 * azure-native v3's login (platform-facts §10): a configured method that fails names its setting and never falls
 * through to another method (managed identity and the Azure CLI work in every case), and no case reaches beyond
 * loopback (the preload's own checks). The cases and the fake: test/harness/loginCases.ts.
 */
import * as path from "node:path";
import {
  AZ_CLI_APP_ID,
  Case,
  certificatePfx,
  certificatePfxNoPassword,
  CLI_SUBSCRIPTION,
  failed,
  fake,
  fakeCliCloud,
  given,
  oidcClient,
  outcome,
  useLoginFake,
} from "./harness/loginCases";

useLoginFake();

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
