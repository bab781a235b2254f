/**
 * azure-native v3's login (platform-facts §10): `createOperationContext` in-process against the fake Azure of
 * test/harness/loginCases.ts (client retries as azure-native's, long-running operations, caching).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LoginMethod, resolveLogin } from "../components/operations/login";
import { armRetryDelay, armRetryOptions, ArmRetryOptions } from "../components/operations/armRetry";
import { createOperationContext } from "../components/operations/client";
import { cloudConfig, CONFIG_SUBSCRIPTION, fake, oidcClient, useLoginFake } from "./harness/loginCases";

useLoginFake();

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
    // The fake answers `Retry-After: 0`, which the poller takes as "none" and waits its default 2 s instead:
    // the SDK's own poll interval option keeps the two polls short.
    const result = await client.registries.beginGenerateCredentialsAndWait(
      "rg-lro",
      "acr",
      { tokenId: `${registryPath("rg-lro")}/tokens/token`, name: "password1" },
      { updateIntervalInMs: 10 },
    );
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
