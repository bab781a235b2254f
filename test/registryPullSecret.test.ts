import { cloud, constructionError, isSecret, resetCloud, settle, unwrap } from "./harness/mocks";
import { plainStateContaining, resetPlainState, revealSecrets, isSecretValue } from "./harness/plainState";
import { kubernetesObjects, validateKubernetesObject } from "./harness/kubernetesSchemas";
import { execFileSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { RegistryPullSecret, RegistryPullSecretArgs } from "../components";
import { dockerConfigJsonOf } from "../components/lib/dockerConfig";

const SECRET = "kubernetes:core/v1:Secret";
const PATCH = "kubernetes:core/v1:ServiceAccountPatch";

/** The Secret the reference tool writes: `kubectl create secret docker-registry ... --dry-run=client -o json`. */
function kubectlSecret(server: string, username: string, password: string, email?: string): any {
  const flags = [`--docker-server=${server}`, `--docker-username=${username}`, `--docker-password=${password}`];
  if (email !== undefined) flags.push(`--docker-email=${email}`);
  const out = execFileSync("kubectl", [
    "create",
    "secret",
    "docker-registry",
    "s",
    ...flags,
    "--dry-run=client",
    "-o",
    "json",
  ]);
  return JSON.parse(out.toString("utf8"));
}

async function render(args: RegistryPullSecretArgs) {
  const component = new RegistryPullSecret("pull", args);
  await settle();
  return { component, secret: cloud.get(SECRET, "pull") };
}

beforeEach(() => {
  resetCloud();
  resetPlainState();
});

describe("the Secret equals kubectl's", () => {
  const acrPassword = `p@ss<w>rd&"\\'é`;
  const cases: { label: string; server: string; username: string; password: string; email?: string }[] = [
    { label: "the seed's connected registry", server: "192.100.100.1", username: "mytoken", password: "mypassword" },
    {
      label: "an ACR server, a client id and a password full of special characters",
      server: "myacr.azurecr.io",
      username: "0e3c5a7b-1d2f-4a6b-8c9d-0e1f2a3b4c5d",
      password: acrPassword,
    },
    {
      label: "an e-mail",
      server: "registry.local:5000",
      username: "robot$ci",
      password: "x&y",
      email: "ops+pull@example.com",
    },
  ];

  it.each(cases)("for $label", async ({ server, username, password, email }) => {
    const expected = kubectlSecret(server, username, password, email);
    const { component, secret } = await render({
      server,
      username,
      password,
      email,
      namespace: "apps",
      secretName: "acr-secret",
    });

    expect(secret.inputs.type).toBe(expected.type);
    expect(revealSecrets(secret.inputs.data)).toEqual(expected.data);
    expect(secret.inputs.metadata).toEqual({ name: "acr-secret", namespace: "apps" });
    expect(secret.inputs.stringData).toBeUndefined();
    expect(await unwrap(component.secretName)).toBe("acr-secret");
    expect(await unwrap(component.namespace)).toBe("apps");
    expect(cloud.countsByType()).toEqual({ "edge-registry:index:RegistryPullSecret": 1, [SECRET]: 1 });
    validateKubernetesObject(secret);
  });

  it("byte for byte for control characters, HTML characters, line separators and non-ASCII text", () => {
    const passwords = [
      "tab\there",
      "nl\ncr\r",
      "bell\u0007bs\bff\f\u001f",
      "<script>&amp;</script>",
      "ls\u2028ps\u2029",
      "emoji 🦀 ü 中文",
      "del\u007f",
      'quote"back\\slash/',
    ];
    for (const password of passwords) {
      const expected = kubectlSecret("[fd00::1]:443", "user:with:colons", password).data[".dockerconfigjson"];
      const actual = Buffer.from(dockerConfigJsonOf("[fd00::1]:443", "user:with:colons", password)).toString("base64");
      expect({ password, config: actual }).toEqual({ password, config: expected });
    }
  });
});

describe("secrecy", () => {
  const password = `p@ss<w>rd&"\\'é`;
  const server = "myacr.azurecr.io";
  const username = "0e3c5a7b-1d2f-4a6b-8c9d-0e1f2a3b4c5d";

  it("marks the Secret's data secret and never stores the password, the auth or the config in clear text", async () => {
    const component = new RegistryPullSecret("pull", {
      server,
      username,
      password,
      namespace: "apps",
      serviceAccountNames: ["default", "builder"],
    });
    await settle();
    const encodedConfig = kubectlSecret(server, username, password).data[".dockerconfigjson"];
    const auth = Buffer.from(`${username}:${password}`).toString("base64");
    for (const needle of [password, auth, encodedConfig]) {
      expect(plainStateContaining(needle)).toEqual([]);
    }
    // The same search finds the value when it is not secret, so it cannot pass vacuously.
    expect(plainStateContaining("apps")).toContain("kubernetes:core/v1:Secret::pull");
    expect(isSecretValue(cloud.get(SECRET, "pull").inputs.data)).toBe(true);
    expect(await isSecret(component.secretName)).toBe(false);
  });

  it("keeps a password passed as a secret Output out of clear text too", async () => {
    new RegistryPullSecret("pull", { server, username, password: pulumi.secret(password), namespace: "apps" });
    await settle();
    expect(plainStateContaining(password)).toEqual([]);
    expect(revealSecrets(cloud.get(SECRET, "pull").inputs.data)).toEqual(
      kubectlSecret(server, username, password).data,
    );
  });
});

describe("service accounts", () => {
  it("patches each listed ServiceAccount's imagePullSecrets with the Secret, without creating accounts", async () => {
    const { secret } = await render({
      server: "192.100.100.1",
      username: "mytoken",
      password: "mypassword",
      namespace: "apps",
      serviceAccountNames: ["default", "builder"],
    });
    const patches = cloud.ofType(PATCH);
    expect(patches.map((p) => p.name)).toEqual(["pull-sa-default", "pull-sa-builder"]);
    for (const [patch, account] of [
      [patches[0], "default"],
      [patches[1], "builder"],
    ] as const) {
      expect(patch.inputs).toEqual({
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: account, namespace: "apps" },
        imagePullSecrets: [{ name: secret.state.metadata.name }],
      });
    }
    expect(secret.state.metadata.name).toMatch(/^pull-[0-9a-f]{8}$/);
    expect(cloud.ofType("kubernetes:core/v1:ServiceAccount")).toEqual([]);
    for (const object of kubernetesObjects(cloud.resources)) validateKubernetesObject(object);
  });
});

it.each(["[fd00::100]", "[fd00::100]:5000", "[::ffff:10.0.0.1]", "10.0.0.1:443", "registry.local", "localhost:5000"])(
  "accepts the registry host %s",
  (server) => {
    expect(() => new RegistryPullSecret("ok", { server, username: "u", password: "p" })).not.toThrow();
  },
);

describe("bad input fails at construction, naming the argument", () => {
  const good: RegistryPullSecretArgs = { server: "myacr.azurecr.io", username: "u", password: "p" };
  it.each([
    ["server", { server: "https://myacr.azurecr.io" }, "is a URL"],
    ["server", { server: "myacr.azurecr.io/v2/" }, "is a URL"],
    ["server", { server: "my acr" }, "not a registry host"],
    ["server", { server: "myacr.azurecr.io:99999" }, "outside 1-65535"],
    ["server", { server: "[:]" }, "not a registry host"],
    ["server", { server: "[::::::::::]" }, "not a registry host"],
    ["server", { server: "999.1.1.1" }, "not a registry host"],
    ["server", { server: "10.0.0" }, "not a registry host"],
    ["server", { server: "[fe80::1%eth0]:5000" }, "not a registry host"],
    ["server", { server: "fd00::100" }, "not a registry host"],
    ["username", { username: "" }, "must not be empty"],
    ["password", { password: "" }, "must not be empty"],
    ["namespace", { namespace: "Apps" }, "DNS-1123 label"],
    ["secretName", { secretName: "acr_secret" }, "DNS-1123 subdomain"],
    ["serviceAccountNames[1]", { serviceAccountNames: ["ok", "Not OK"] }, "DNS-1123 subdomain"],
    ["serviceAccountNames", { serviceAccountNames: ["a", "a"] }, "listed twice"],
  ] as [string, Partial<RegistryPullSecretArgs>, string][])("%s: %j", (path, bad, reason) => {
    const error = constructionError(() => new RegistryPullSecret("bad", { ...good, ...bad }));
    expect(error.propertyPath).toBe(path);
    expect(error.message).toMatch(new RegExp(`^${path.replace(/[[\]]/g, "\\$&")}: .*${reason}`));
  });

  it("refuses service account names only known at deploy time", () => {
    const error = constructionError(
      () => new RegistryPullSecret("bad", { ...good, serviceAccountNames: [pulumi.output("a")] }),
    );
    expect(error.propertyPath).toBe("serviceAccountNames[0]");
    expect(error.message).toMatch(/known when the program runs/);
  });

  it.each(["192.100.100.1", "192.100.100.1:5000", "myacr.azurecr.io", "localhost:5000", "[fd00::1]", "[fd00::1]:443"])(
    "accepts the host %s",
    (server) => {
      expect(() => new RegistryPullSecret("ok", { ...good, server })).not.toThrow();
    },
  );
});
