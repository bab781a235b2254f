/**
 * Starts the package as a provider plugin exactly as the Node language host does —
 * `node <@pulumi/pulumi>/cmd/run-plugin <package dir> <engine address>` with the working directory an empty
 * folder (a Python project's: no node_modules) — reads the port it prints, and calls it over the provider
 * gRPC protocol (`@pulumi/pulumi/proto/provider_grpc_pb`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as errorsproto from "@pulumi/pulumi/proto/errors_pb";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";

/** The signature key and value Pulumi uses for special values on the wire. */
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
/** The wire form of an unknown value (a preview's computed input). */
export const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Wraps a value as a secret, as the engine sends it. */
export function secret(value: unknown): Record<string, unknown> {
  return { [sigKey]: secretSig, value };
}

/** Whether a wire value is a wrapped secret. */
export function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[sigKey] === secretSig;
}

/** Removes every secret wrapper (deeply), for comparisons. */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

type Props = Record<string, unknown>;

function struct(value: Props): structproto.Struct {
  return structproto.Struct.fromJavaScript(value as Record<string, structproto.JavaScriptValue>);
}

function plain(value: structproto.Struct | undefined): Props {
  return (value?.toJavaScript() ?? {}) as Props;
}

export interface ConstructRequest {
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly inputs: Props;
  readonly monitorAddress: string;
  readonly project: string;
  readonly stack: string;
  readonly config?: Record<string, string>;
  readonly dryRun: boolean;
}

export interface DiffResult {
  readonly changes: "some" | "none" | "unknown";
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
}

export interface PluginOptions {
  /** The package directory run-plugin `require`s (its package.json `main`). */
  readonly packageDir: string;
  /** Address of the engine service (the plugin's first argument). */
  readonly engineAddress: string;
  /** The run-plugin script. Default: the one of the package's own @pulumi/pulumi. */
  readonly runPlugin?: string;
  /** Environment of the plugin: only these variables and PATH (nothing inherited from the test). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface Plugin {
  /** The empty directory the plugin runs in. */
  readonly cwd: string;
  /** Everything the plugin wrote to stderr so far. */
  stderr(): string;
  getSchema(): Promise<Record<string, any>>;
  getPluginInfo(): Promise<string>;
  check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(id: string, urn: string, olds: Props, news: Props): Promise<DiffResult>;
  create(urn: string, properties: Props): Promise<{ id: string; properties: Props }>;
  read(
    id: string,
    urn: string,
    properties: Props,
    inputs?: Props,
  ): Promise<{ id: string; properties: Props; inputs: Props }>;
  update(id: string, urn: string, olds: Props, news: Props): Promise<Props>;
  delete(id: string, urn: string, properties: Props): Promise<void>;
  construct(request: ConstructRequest): Promise<{ urn: string; state: Props }>;
  close(): Promise<void>;
}

/** The stack a consumer program's components are constructed under (project `consumer`, stack `dev`). */
export const consumerStackUrn = "urn:pulumi:dev::consumer::pulumi:pulumi:Stack::consumer-dev";

/**
 * The Construct request of the quickstart's site, `EdgeRegistrySite` "edge-01" under {@link consumerStackUrn}, as a
 * preview sends it: the engine's resource monitor at `monitorAddress`; `registry` names the resource group and registry.
 */
export function siteConstructRequest(
  monitorAddress: string,
  registry: { resourceGroupName: string; registryName: string } = {
    resourceGroupName: "edge-rg",
    registryName: "edgeacr",
  },
): ConstructRequest {
  return {
    type: "edge-registry:index:EdgeRegistrySite",
    name: "edge-01",
    parent: consumerStackUrn,
    project: "consumer",
    stack: "dev",
    dryRun: true,
    monitorAddress,
    inputs: {
      ...registry,
      connectedRegistryName: "edgeconnected",
      clusterName: "arc-cluster",
      serviceClusterIP: "192.100.100.1",
      serviceCidr: "192.100.0.0/16",
    },
  };
}

/** The URN the engine gives a custom resource `type` named `name` at the top of a stack. */
export function urnOf(type: string, name: string, stack = "dev", project = "project"): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/**
 * The input property errors a provider attached to a gRPC error (`InputPropertiesError` in the status
 * details, as `pulumi.InputPropertyError` is sent), as `path: reason` lines.
 */
function propertyErrors(err: grpc.ServiceError): string[] {
  const [bin] = err.metadata?.get("grpc-status-details-bin") ?? [];
  if (!bin) return [];
  const status = statusproto.Status.deserializeBinary(new Uint8Array(bin as Buffer));
  return status
    .getDetailsList()
    .filter((detail) => detail.getTypeName() === "pulumirpc.InputPropertiesError")
    .flatMap((detail) =>
      errorsproto.InputPropertiesError.deserializeBinary(detail.getValue_asU8())
        .getErrorsList()
        .map((e) => `${e.getPropertyPath()}: ${e.getReason()}`),
    );
}

/** Waits for the first line of stdout that is a port number (what `pulumi.provider.main` prints). */
function readPort(child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`plugin printed no port in ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(new Error(`${e.message}\nstdout: ${out}\nstderr: ${stderr()}`));
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(\d+)\s*$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => fail(new Error(`plugin exited with ${code} before printing its port`)));
  });
}

/** Starts the plugin like the Node language host and returns a client for it. */
export async function startPlugin(options: PluginOptions): Promise<Plugin> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "edge-registry-consumer-"));
  const runPlugin =
    options.runPlugin ?? path.join(options.packageDir, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin");
  // test/harness/hostPreload.js: the SDK's `typescript` and arborist load on first use (after any preload the
  // caller passes in NODE_OPTIONS).
  const nodeOptions = [options.env?.NODE_OPTIONS, `--require ${path.join(__dirname, "hostPreload.js")}`];
  const child = spawn(process.execPath, [runPlugin, options.packageDir, options.engineAddress], {
    cwd,
    env: { PATH: process.env.PATH, ...options.env, NODE_OPTIONS: nodeOptions.filter(Boolean).join(" ") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let port: number;
  try {
    port = await readPort(child, () => stderr, 60_000);
  } catch (e) {
    child.kill();
    fs.rmSync(cwd, { recursive: true, force: true });
    throw e;
  }
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const rpc = <Res>(method: string, req: unknown): Promise<Res> =>
    new Promise((resolve, reject) => {
      const fn = (
        client as unknown as Record<
          string,
          (req: unknown, cb: (err: grpc.ServiceError | null, res: Res) => void) => void
        >
      )[method];
      fn.call(client, req, (err: grpc.ServiceError | null, res: Res) =>
        err
          ? reject(new Error([`${method}: ${err.details || err.message}`, ...propertyErrors(err)].join("\n")))
          : resolve(res),
      );
    });

  const configure = new provproto.ConfigureRequest();
  configure.setAcceptsecrets(true);
  configure.setAcceptresources(true);
  await rpc<provproto.ConfigureResponse>("configure", configure);

  return {
    cwd,
    stderr: () => stderr,
    async getSchema() {
      const req = new provproto.GetSchemaRequest();
      const res = await rpc<provproto.GetSchemaResponse>("getSchema", req);
      return JSON.parse(res.getSchema());
    },
    async getPluginInfo() {
      const res = await rpc<pluginproto.PluginInfo>("getPluginInfo", new emptyproto.Empty());
      return res.getVersion();
    },
    async check(urn, olds, news) {
      const req = new provproto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await rpc<provproto.CheckResponse>("check", req);
      return {
        inputs: plain(res.getInputs()),
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(id, urn, olds, news) {
      const req = new provproto.DiffRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await rpc<provproto.DiffResponse>("diff", req);
      const changes = {
        [provproto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
        [provproto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
      } as const;
      return {
        changes: changes[res.getChanges() as 1 | 2] ?? "unknown",
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },
    async create(urn, properties) {
      const req = new provproto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(struct(properties));
      const res = await rpc<provproto.CreateResponse>("create", req);
      return { id: res.getId(), properties: plain(res.getProperties()) };
    },
    async read(id, urn, properties, inputs) {
      const req = new provproto.ReadRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setProperties(struct(properties));
      if (inputs) req.setInputs(struct(inputs));
      const res = await rpc<provproto.ReadResponse>("read", req);
      return { id: res.getId(), properties: plain(res.getProperties()), inputs: plain(res.getInputs()) };
    },
    async update(id, urn, olds, news) {
      const req = new provproto.UpdateRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await rpc<provproto.UpdateResponse>("update", req);
      return plain(res.getProperties());
    },
    async delete(id, urn, properties) {
      const req = new provproto.DeleteRequest();
      req.setId(id);
      req.setUrn(urn);
      req.setProperties(struct(properties));
      await rpc<emptyproto.Empty>("delete", req);
    },
    async construct(request) {
      const req = new provproto.ConstructRequest();
      req.setProject(request.project);
      req.setStack(request.stack);
      req.setType(request.type);
      req.setName(request.name);
      req.setParent(request.parent);
      req.setInputs(struct(request.inputs));
      req.setMonitorendpoint(request.monitorAddress);
      req.setDryrun(request.dryRun);
      req.setParallel(16);
      req.setOrganization("organization");
      req.setAcceptsOutputValues(true);
      for (const [key, value] of Object.entries(request.config ?? {})) {
        req.getConfigMap().set(key, value);
      }
      const res = await rpc<provproto.ConstructResponse>("construct", req);
      return { urn: res.getUrn(), state: plain(res.getState()) };
    },
    async close() {
      client.close();
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      fs.rmSync(cwd, { recursive: true, force: true });
    },
  };
}
