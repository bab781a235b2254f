/**
 * The drive of the provider plugin, shared by the checkout test (`test/plugin.test.ts`) and the packed
 * one (`test/pluginPackage.test.ts`): one plugin process started as the Node language host starts it,
 * a fake engine + resource monitor over gRPC, and the fake ARM (HTTPS on loopback, test CA) the
 * operations log in to with the credentials of the plugin's environment.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { addFakeAcr, type FakeAcr } from "../fakes/acr";
import { startFakeImport, type FakeImport } from "../fakes/acrImport";
import { startFakeAzure, type FakeAzure } from "../fakes/azure";
import { cloud, defaultOutputRules, SUBSCRIPTION_ID } from "./mocks";
import {
  resolveDefaultProvider,
  startFakeEngine,
  type FakeEngine,
  type PackageDescriptor,
  type Registration,
} from "./engine";
import {
  consumerStackUrn,
  isSecret,
  reveal,
  secret,
  siteConstructRequest,
  startPlugin,
  unknown,
  urnOf,
  type Plugin,
} from "./grpcPlugin";

/** Where the package under test is, and the run-plugin script the language host would use. */
export interface PluginPackage {
  readonly packageDir: string;
  readonly runPlugin: string;
}

const loopbackOnly = path.join(__dirname, "..", "fakes", "loopbackOnly.js");
const stackUrn = consumerStackUrn;
const resourceGroupName = "edge-rg";
/** One registry: the import fake serves it (registry, importImage, data plane), the ACR fake its tokens. */
const registryName = "edgeacr";

/** Defines the drive's tests; `prepare` builds or installs the package (in `beforeAll`). */
export function describePluginDrive(prepare: () => Promise<PluginPackage>): void {
  let pkg: PluginPackage;
  let engine: FakeEngine;
  let azure: FakeAzure;
  let acr: FakeAcr;
  let imports: FakeImport;
  let plugin: Plugin;
  let version: string;

  beforeAll(async () => {
    pkg = await prepare();
    version = JSON.parse(fs.readFileSync(path.join(pkg.packageDir, "package.json"), "utf8")).version;
    // The subscription of the mocks' ARM ids, so a deployed site's ids name resources of the fake ARM.
    azure = await startFakeAzure({ subscriptionId: SUBSCRIPTION_ID });
    // The import fake first: its registry GET (with the data plane's login server) answers.
    imports = await startFakeImport(azure, resourceGroupName, registryName);
    acr = addFakeAcr(azure, resourceGroupName, registryName);
    engine = await startFakeEngine({ invokes: engineInvokes() });
    engine.addParent(stackUrn);
    plugin = await startPlugin({
      packageDir: pkg.packageDir,
      runPlugin: pkg.runPlugin,
      engineAddress: engine.engineAddress,
      env: {
        ...azure.env(),
        // The import fake's CA file holds the fake Azure's CA too.
        NODE_EXTRA_CA_CERTS: imports.caFile,
        // Every connection off 127.0.0.0/8 (a real login or ARM endpoint, IMDS) is refused and recorded.
        NODE_OPTIONS: `--require ${loopbackOnly}`,
        LOOPBACK_ONLY_LOG: path.join(azure.dir, "off-loopback.log"),
      },
    });
  }, 900_000);

  /** What the engine answers the components' invokes with: the fake Azure's login. */
  const engineInvokes = () => ({
    "azure-native:authorization:getClientConfig": () => ({
      clientId: azure.defaultClient.clientId,
      objectId: azure.defaultClient.objectId,
      subscriptionId: azure.subscriptionId,
      tenantId: azure.tenantId,
    }),
  });

  afterAll(async () => {
    const offLoopback = path.join(azure?.dir ?? "", "off-loopback.log");
    const attempts = fs.existsSync(offLoopback) ? fs.readFileSync(offLoopback, "utf8") : "";
    await plugin?.close();
    await engine?.close();
    await imports?.close();
    await azure?.close();
    expect(attempts).toBe("");
  });

  it("runs in an empty folder, as the package's own provider at the package version", async () => {
    expect(fs.readdirSync(plugin.cwd)).toEqual([]);
    expect(await plugin.getPluginInfo()).toBe(version);
  });

  it("serves the schema: every component, and the operations as custom resources with secret outputs secret", async () => {
    const schema = await plugin.getSchema();
    const committed = JSON.parse(fs.readFileSync(path.join(pkg.packageDir, "schema.json"), "utf8"));
    expect(schema).toEqual(committed);
    const components = Object.keys(schema.resources).filter((t) => schema.resources[t].isComponent);
    expect(components).toHaveLength(12);
    expect(components).toContain("edge-registry:index:EdgeRegistrySite");
    const custom = Object.keys(schema.resources).filter((t) => !schema.resources[t].isComponent);
    expect(custom.sort()).toEqual([
      "edge-registry:index:ConnectedRegistryDeactivation",
      "edge-registry:index:ImageImportOperation",
      "edge-registry:index:TokenPassword",
    ]);
    expect(schema.resources["edge-registry:index:TokenPassword"].properties.value).toMatchObject({ secret: true });
  });

  it("constructs EdgeRegistrySite: components under their parents, operations as edge-registry custom resources", async () => {
    const { urn, state } = await plugin.construct(
      siteConstructRequest(engine.monitorAddress, { resourceGroupName, registryName }),
    );
    expect(urn).toBe("urn:pulumi:dev::consumer::edge-registry:index:EdgeRegistrySite::edge-01");
    expect(engine.requiredVersions).toEqual([">=3.207.0"]);
    expect(Object.keys(state)).toEqual(expect.arrayContaining(["registryEndpoint", "activationStatus"]));

    const registrations = engine.registrations;
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const site = registrations.find((r) => r.type === "edge-registry:index:EdgeRegistrySite")!;
    expect(site).toMatchObject({ parent: stackUrn, custom: false, name: "edge-01" });
    // Every resource descends from the site (parents registered before their children).
    for (const r of registrations.filter((r) => r !== site)) {
      let parent = byUrn.get(r.parent);
      while (parent && parent !== site) parent = byUrn.get(parent.parent);
      expect([r.type, parent]).toEqual([r.type, site]);
    }
    const componentTypes = new Set(registrations.filter((r) => !r.custom).map((r) => r.type));
    expect([...componentTypes].sort()).toEqual(
      expect.arrayContaining([
        "edge-registry:index:ConnectedRegistry",
        "edge-registry:index:ConnectedRegistryExtension",
        "edge-registry:index:ContainerRegistry",
        "edge-registry:index:EdgeRegistrySite",
        "edge-registry:index:ImageImport",
      ]),
    );

    expect(registrations.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"))).toEqual([]);
    const operations = registrations.filter((r) => r.type.startsWith("edge-registry:") && r.custom);
    expect(new Set(operations.map((r) => r.type))).toEqual(
      new Set([
        "edge-registry:index:TokenPassword",
        "edge-registry:index:ImageImportOperation",
        "edge-registry:index:ConnectedRegistryDeactivation",
      ]),
    );
    for (const operation of operations) {
      // No version, no download URL: the engine's default provider, i.e. this plugin (see the next test).
      expect(operation.version).toBe("");
      expect(operation.pluginDownloadURL).toBe("");
      const name =
        operation.type === "edge-registry:index:ImageImportOperation" ? "ImageImport" : operation.type.split(":")[2];
      expect(operation.aliases).toContainEqual(
        expect.objectContaining({ type: `pulumi-nodejs:dynamic/edge-registry:${name}` }),
      );
    }
    for (const password of operations.filter((r) => r.type === "edge-registry:index:TokenPassword")) {
      expect(password.additionalSecretOutputs).toContain("value");
    }
    // The operations' parents are the components that own them.
    const parentType = (r: { parent: string }) => byUrn.get(r.parent)!.type;
    expect(new Set(operations.filter((r) => r.type.endsWith(":TokenPassword")).map(parentType))).toEqual(
      new Set(["edge-registry:index:ConnectedRegistry"]),
    );
    expect(new Set(operations.filter((r) => r.type.endsWith(":ImageImportOperation")).map(parentType))).toEqual(
      new Set(["edge-registry:index:ImageImport"]),
    );
    expect(
      new Set(operations.filter((r) => r.type.endsWith(":ConnectedRegistryDeactivation")).map(parentType)),
    ).toEqual(new Set(["edge-registry:index:ConnectedRegistryExtension"]));
    // Components record no inputs in the state, and nothing is logged as an error.
    expect(engine.logs.filter((l) => l.severity === "error")).toEqual([]);
  }, 120_000);

  describe("TokenPassword over the provider protocol, logged in from the plugin's environment", () => {
    const urn = urnOf("edge-registry:index:TokenPassword", "sync-password");
    let tokenId: string;
    let state: Record<string, unknown>;
    let id: string;

    it("checks (an unknown input passes at preview; a bad id fails naming tokenId)", async () => {
      tokenId = acr.addToken("sync-token");
      const preview = await plugin.check(urn, {}, { tokenId: unknown });
      expect(preview).toEqual({ inputs: { tokenId: unknown }, failures: [] });
      const bad = await plugin.check(urn, {}, { tokenId: "not-an-id" });
      expect(bad.failures.map((f) => f.property)).toEqual(["tokenId"]);
      const good = await plugin.check(urn, {}, { tokenId, subscriptionId: secret(azure.subscriptionId) });
      expect(good.failures).toEqual([]);
      // A secret input stays secret.
      expect(isSecret(good.inputs.subscriptionId)).toBe(true);
    });

    it("creates: a password that logs in, returned secret, generated with the environment's identity", async () => {
      azure.resetLogs();
      const created = await plugin.create(urn, { tokenId });
      id = created.id;
      state = created.properties;
      expect(isSecret(state.value)).toBe(true);
      expect(reveal(state)).toMatchObject({ tokenId, passwordName: "password1", username: "sync-token" });
      expect(acr.accepts("sync-token", reveal(state.value) as string)).toBe(true);
      const generate = azure.requests.filter((r) => r.method === "POST" && /generateCredentials$/i.test(r.path));
      expect(generate).toHaveLength(1);
      expect(generate[0].claims).toMatchObject({ appid: azure.defaultClient.clientId, tid: azure.tenantId });
    });

    it("reads: unchanged while the slot is ours, gone once it is regenerated outside Pulumi", async () => {
      const read = await plugin.read(id, urn, state);
      expect(read.id).toBe(id);
      expect(reveal(read.properties)).toEqual(reveal(state));
      expect(isSecret(read.properties.value)).toBe(true);
      expect(reveal(read.inputs)).toEqual({ tokenId });

      const drifted = acr.generated.length;
      acr.regenerate("sync-token", "password1");
      expect(acr.generated.length).toBe(drifted + 1);
      expect((await plugin.read(id, urn, state)).id).toBe("");
    });

    it("diffs and updates: a new rotation trigger rotates to the other slot, the previous one still valid", async () => {
      // The password generated outside Pulumi above is not this resource's to revoke (issue 22): the operator
      // deletes it (`az acr token credential delete --password1`), so both slots are free again.
      acr.tokens.get("sync-token")!.passwords.delete("password1");
      const created = await plugin.create(urn, { tokenId });
      state = created.properties;
      const before = reveal(state.value) as string;
      const news = { tokenId, rotationTrigger: "2027" };
      expect(await plugin.diff(id, urn, state, news)).toEqual({
        changes: "some",
        replaces: [],
        deleteBeforeReplace: false,
      });
      expect((await plugin.diff(id, urn, state, { tokenId: tokenId.toUpperCase() })).changes).toBe("none");
      expect((await plugin.diff(id, urn, state, { tokenId: `${tokenId}x` })).replaces).toEqual(["tokenId"]);
      const updated = await plugin.update(id, urn, state, news);
      expect(isSecret(updated.value)).toBe(true);
      expect(reveal(updated)).toMatchObject({ passwordName: "password2", previousPasswordName: "password1" });
      expect(acr.accepts("sync-token", reveal(updated.value) as string)).toBe(true);
      expect(acr.accepts("sync-token", before)).toBe(true);
      state = updated;
    });

    it("deletes: both slots it generated are removed", async () => {
      await plugin.delete(id, urn, state);
      expect(acr.tokens.get("sync-token")!.passwords.size).toBe(0);
    });
  });

  describe("ConnectedRegistryDeactivation over the provider protocol", () => {
    const urn = urnOf("edge-registry:index:ConnectedRegistryDeactivation", "deactivation");
    const inputs = () => ({
      subscriptionId: azure.subscriptionId,
      resourceGroupName,
      registryName,
      connectedRegistryName: "edgeconnected",
      extension: { clusterName: "arc-cluster" },
    });

    it("creates, reads, diffs, updates and deletes (deactivating the connected registry)", async () => {
      acr.addConnectedRegistry("edgeconnected", "Active");
      const checked = await plugin.check(urn, {}, inputs());
      expect(checked.failures).toEqual([]);
      const created = await plugin.create(urn, checked.inputs);
      expect(created.properties).toMatchObject({ activationStatus: "Active" });
      const read = await plugin.read(created.id, urn, created.properties);
      expect(read.properties).toMatchObject({ activationStatus: "Active" });

      const moved = { ...inputs(), extension: { clusterName: "other-cluster" } };
      expect(await plugin.diff(created.id, urn, created.properties, moved)).toEqual({
        changes: "some",
        replaces: ["extension"],
        deleteBeforeReplace: true,
      });
      const renamed = { ...inputs(), resourceGroupName: resourceGroupName.toUpperCase() };
      expect((await plugin.diff(created.id, urn, created.properties, renamed)).changes).toBe("none");
      const updated = await plugin.update(created.id, urn, created.properties, renamed);
      expect(updated).toMatchObject({ resourceGroupName: resourceGroupName.toUpperCase() });

      await plugin.delete(created.id, urn, created.properties);
      expect(acr.connectedRegistries.get("edgeconnected")!.activationStatus).toBe("Inactive");
      expect((await plugin.read(created.id, urn, created.properties)).properties).toMatchObject({
        activationStatus: "Inactive",
      });
    });

    it("creates for a connected registry that does not exist yet (no status), and deletes it as a no-op", async () => {
      const missing = { ...inputs(), connectedRegistryName: "notyet" };
      const created = await plugin.create(urn, missing);
      expect(created.properties).not.toHaveProperty("activationStatus");
      expect((await plugin.read(created.id, urn, created.properties)).id).toBe("");
      await plugin.delete(created.id, urn, created.properties);
      expect(acr.connectedRegistries.has("notyet")).toBe(false);
    });
  });

  describe("ImageImportOperation over the provider protocol", () => {
    const urn = urnOf("edge-registry:index:ImageImportOperation", "hello-world");
    let digest: string;
    const inputs = () => ({
      resourceGroupName,
      registryName,
      registryUri: imports.source.host,
      sourceImage: "mcr/hello-world:latest",
      targetTags: ["hello-world:v1"],
    });

    it("checks, creates (the tag at the source digest), reads, diffs, repairs a deleted tag, deletes", async () => {
      digest = imports.source.push("mcr/hello-world:latest");
      const checked = await plugin.check(urn, {}, inputs());
      expect(checked.failures).toEqual([]);
      expect(checked.inputs).toMatchObject({ mode: "NoForce", untaggedTargetRepositories: [] });
      expect((await plugin.check(urn, {}, { ...inputs(), mode: "Overwrite" })).failures.map((f) => f.property)).toEqual(
        ["mode"],
      );

      const created = await plugin.create(urn, checked.inputs);
      expect(imports.registry.tags.get("hello-world:v1")).toBe(digest);
      expect(created.properties).toMatchObject({ digest, targetDigests: { "hello-world:v1": digest } });
      // A retried create (lost answer) is accepted: the tag already points at the source digest.
      expect((await plugin.create(urn, checked.inputs)).properties).toMatchObject({ digest });

      const read = await plugin.read(created.id, urn, created.properties);
      expect(read.properties).toMatchObject({ targetDigests: { "hello-world:v1": digest } });
      expect(
        await plugin.diff(created.id, urn, created.properties, { ...checked.inputs, registryName: "EdgeAcr" }),
      ).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });

      imports.registry.tags.delete("hello-world:v1");
      const refreshed = await plugin.read(created.id, urn, created.properties);
      expect(refreshed.properties.targetDigests).toEqual({});
      const plan = await plugin.diff(created.id, urn, refreshed.properties, checked.inputs);
      expect(plan).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
      const repaired = await plugin.update(created.id, urn, refreshed.properties, checked.inputs);
      expect(repaired).toMatchObject({ targetDigests: { "hello-world:v1": digest } });
      expect(imports.registry.tags.get("hello-world:v1")).toBe(digest);

      // Deleting keeps the imported tags (documented); the call succeeds.
      await plugin.delete(created.id, urn, repaired);
      expect(imports.registry.tags.get("hello-world:v1")).toBe(digest);
    });

    it("fails a foreign tag with the operation's error naming it", async () => {
      imports.source.push("mcr/hello-world:nanoserver");
      const checked = await plugin.check(urn, {}, { ...inputs(), sourceImage: "mcr/hello-world:nanoserver" });
      await expect(plugin.create(urn, checked.inputs)).rejects.toThrow(/hello-world:v1/);
    });
  });

  describe.each([
    ["a local path (`pulumi package add ./edge-registry`)", { pluginDownloadURL: "" }],
    [
      "a git URL without a tag (version 0.0.0-x<commit>)",
      {
        version: "0.0.0-x4f2c1d9e8b7a6f5e4d3c2b1a09f8e7d6c5b4a392",
        pluginDownloadURL: "git://github.com/contoso/edge-registry",
      },
    ],
    ["a git URL with a tag", { version: "1.4.0", pluginDownloadURL: "git://github.com/contoso/edge-registry" }],
  ])("installed from %s", (_, running: PackageDescriptor) => {
    it("the operations registered inside the plugin resolve to the running plugin", async () => {
      // package.json's version, as registrations carried it before, names another plugin than the running one.
      expect(resolveDefaultProvider({ version, pluginDownloadURL: "" }, running)).not.toEqual(running);
      const monitor = await startFakeEngine({ invokes: engineInvokes(), packages: { "edge-registry": running } });
      monitor.addParent(stackUrn);
      try {
        await plugin.construct({
          type: "edge-registry:index:EdgeRegistrySite",
          name: "edge-resolve",
          parent: stackUrn,
          project: "consumer",
          stack: "dev",
          dryRun: true,
          monitorAddress: monitor.monitorAddress,
          inputs: {
            resourceGroupName,
            registryName,
            connectedRegistryName: "edgeresolve",
            clusterName: "arc-cluster",
            serviceClusterIP: "192.100.100.1",
            serviceCidr: "192.100.0.0/16",
          },
        });
        const operations = monitor.registrations.filter((r) => r.type.startsWith("edge-registry:") && r.custom);
        expect(operations.length).toBeGreaterThanOrEqual(3);
        for (const operation of operations) {
          expect(operation.resolvedPlugin).toEqual(running);
        }
      } finally {
        await monitor.close();
      }
    });
  });

  it("fails a construct with bad input with an error naming the argument (InputPropertyError over gRPC)", async () => {
    const failing = plugin.construct({
      type: "edge-registry:index:EdgeRegistrySite",
      name: "edge-bad",
      parent: stackUrn,
      project: "consumer",
      stack: "dev",
      dryRun: true,
      monitorAddress: engine.monitorAddress,
      inputs: {
        resourceGroupName,
        registryName,
        clusterName: "arc-cluster",
        serviceClusterIP: "10.0.0.1",
        serviceCidr: "192.100.0.0/16",
      },
    });
    await expect(failing).rejects.toThrow(/^serviceClusterIP: .*outside the service CIDR/m);
  });

  it("deploys EdgeRegistrySite as `pulumi up` would: each operation created by the plugin against the fake ARM", async () => {
    const connectedRegistryName = "siteconnected";
    const digest = imports.source.push("mcr/hello-world:latest");
    // The engine's part of an update: a custom resource of this package goes through the plugin (check +
    // create), any other gets the outputs of the shared mocks' rules (and, for tokens and the connected
    // registry, exists in the fake ARM from then on).
    const deploy = async (r: Registration) => {
      if (r.type.startsWith("edge-registry:")) {
        const checked = await plugin.check(r.urn, {}, r.inputs);
        if (checked.failures.length > 0) throw new Error(JSON.stringify(checked.failures));
        const created = await plugin.create(r.urn, checked.inputs);
        return { id: created.id, outputs: created.properties };
      }
      const inputs = reveal(r.inputs) as Record<string, any>;
      if (r.type === "azure-native:containerregistry:Token") acr.addToken(inputs.tokenName);
      if (r.type === "azure-native:containerregistry:ConnectedRegistry") {
        acr.addConnectedRegistry(inputs.connectedRegistryName, "Active");
      }
      const rule = defaultOutputRules[r.type];
      const args = { type: r.type, name: r.name, inputs, provider: "", custom: true, id: "" };
      const result = rule ? await rule(args, cloud) : {};
      return { id: result.id ?? `${r.name}-id`, outputs: { ...r.inputs, ...(result.state ?? {}) } };
    };
    const monitor = await startFakeEngine({ invokes: engineInvokes(), deploy });
    monitor.addParent(stackUrn);
    try {
      const { state } = await plugin.construct({
        type: "edge-registry:index:EdgeRegistrySite",
        name: "edge-02",
        parent: stackUrn,
        project: "consumer",
        stack: "dev",
        dryRun: false,
        monitorAddress: monitor.monitorAddress,
        inputs: {
          resourceGroupName,
          registryName,
          connectedRegistryName,
          imports: [`${imports.source.host}/mcr/hello-world:latest`],
          clusterName: "arc-cluster",
          serviceClusterIP: "192.100.100.1",
          serviceCidr: "192.100.0.0/16",
        },
      });
      const created = monitor.registrations.filter((r) => r.type.startsWith("edge-registry:") && r.custom);
      expect(created.map((r) => r.type).sort()).toEqual([
        "edge-registry:index:ConnectedRegistryDeactivation",
        "edge-registry:index:ImageImportOperation",
        "edge-registry:index:TokenPassword",
        "edge-registry:index:TokenPassword",
      ]);
      // The image is in the registry at the source's digest.
      expect(imports.registry.tags.get("mcr/hello-world:latest")).toBe(digest);
      // The connection string (secret) carries the sync token's generated password, which logs in.
      expect(isSecret(state.connectionString)).toBe(true);
      const connection = String(reveal(state.connectionString));
      const syncToken = /SyncTokenName=([^;]+)/.exec(connection)![1];
      const password = /SyncTokenPassword=([^;]+)/.exec(connection)![1];
      expect(acr.accepts(syncToken, password)).toBe(true);
      // The client token got its password too; the connected registry is still active.
      expect(acr.tokens.get(`${connectedRegistryName}client`)!.passwords.has("password1")).toBe(true);
      expect(acr.connectedRegistries.get(connectedRegistryName)!.activationStatus).toBe("Active");
    } finally {
      await monitor.close();
    }
  }, 120_000);

  it("refuses a type it does not serve", async () => {
    await expect(plugin.create(urnOf("edge-registry:index:Nope", "x"), {})).rejects.toThrow(/unknown resource type/);
  });
}
