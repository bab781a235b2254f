/**
 * azure-native v3's login (platform-facts §10): pure resolution (clouds, precedence, errors before any request),
 * in-process, without network beyond the fake Azure of test/harness/loginCases.ts.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
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
import { certClient, certificatePem, certificatePemEncrypted, fake, run, useLoginFake } from "./harness/loginCases";

useLoginFake();

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
