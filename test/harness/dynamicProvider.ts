/**
 * Drives a deploy-time operation the way the Pulumi engine runs a Node dynamic resource:
 *
 * 1. the provider object is serialized exactly as `pulumi.dynamic.Resource` does
 *    (`serializeFunction(() => provider, { allowSecrets: true })`, node_modules/@pulumi/pulumi/dynamic);
 *    the text is what the state's `__provider` input holds;
 * 2. a fresh `node node_modules/@pulumi/pulumi/cmd/dynamic-provider <engine address>` process (the
 *    `pulumi-resource-pulumi-nodejs` plugin) is started with the program's directory as cwd, an
 *    environment of our choosing only, `NODE_EXTRA_CA_CERTS` (the fake's CA), the loopback-only
 *    preload and test/harness/hostPreload.js (the SDK's `typescript` and arborist load on first use); it
 *    prints its port;
 * 3. the test calls `Configure` (the stack config, namespaces kept, as the engine sends it) and then
 *    Check/Diff/Create/Read/Update/Delete over gRPC, passing `__provider` in the properties as the engine
 *    does: the dynamic provider `require`s that text (require-from-string) and calls the operation.
 */
import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { HostLocator, loaderFor } from "../../components/operations/loader";

const repoRoot = path.resolve(__dirname, "..", "..");
const hostPreload = path.join(__dirname, "hostPreload.js");
const providerKey = "__provider";

type Props = Record<string, unknown>;

/** The `__provider` text of a provider object, as the SDK computes it. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  // Required here only: loading the SDK costs a test file about a second of CPU (see serializeLoader).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("@pulumi/pulumi") as typeof pulumi;
  const serialized = await sdk.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}

const loaderCache = path.join(repoRoot, "node_modules", ".cache", "edge-registry-loaders");

/**
 * The `__provider` text of `loaderFor(name, locator)` (components/operations/loader.ts), exactly as
 * {@link serializeProvider} computes it, kept in a content-keyed cache shared by the test files and runs
 * (`node_modules/.cache/edge-registry-loaders`): the key is everything the text is made of, the loader's
 * (transpiled) function and module source, `name`, `locator`, the `@pulumi/pulumi` serializer's version and
 * Node's. Serializing loads the whole SDK into the test file (about a second of CPU each time). A file is
 * written under a temporary name and renamed into place, so a reader never sees a partial text; two workers
 * that miss at once both compute the same text.
 */
export async function serializeLoader(name: string, locator: HostLocator): Promise<string> {
  const provider = loaderFor(name, locator);
  const sdkVersion = (
    JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }
  ).version;
  const key = crypto
    .createHash("sha256")
    .update(
      JSON.stringify([
        String(provider.configure),
        fs.readFileSync(path.join(repoRoot, "components", "operations", "loader.ts"), "utf8"),
        name,
        locator,
        sdkVersion,
        process.version,
      ]),
    )
    .digest("hex");
  const file = path.join(loaderCache, `${key}.txt`);
  if (fs.existsSync(file)) {
    return fs.readFileSync(file, "utf8");
  }
  const text = await serializeProvider(provider);
  fs.mkdirSync(loaderCache, { recursive: true });
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
  return text;
}

/** Options of {@link startDynamicProvider}. */
export interface DynamicProviderOptions {
  /** The serialized provider (see {@link serializeProvider}). */
  readonly provider: string;
  /** Address of the engine's gRPC service (the plugin's argument). */
  readonly engineAddress: string;
  /** The plugin's environment: only these variables, PATH and the CA file (nothing inherited). */
  readonly env?: NodeJS.ProcessEnv;
  /** PEM file for NODE_EXTRA_CA_CERTS. */
  readonly caFile?: string;
  /** Stack config sent with Configure (e.g. `{"azure-native:clientId": "..."}`). */
  readonly config?: Record<string, string>;
  /** The program's directory (where the closure's `require`s resolve). Default: this checkout. */
  readonly cwd?: string;
  /**
   * Keep `__provider` in the properties the calls return (default: removed). Properties passed with their own
   * `__provider` (e.g. a state written by an older version) always keep it; `provider` fills in the others.
   */
  readonly keepProvider?: boolean;
}

/** A running dynamic provider plugin. */
export interface DynamicProvider {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: string; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(properties: Props): Promise<{ id: string; properties: Props }>;
  read(id: string, properties: Props): Promise<{ id: string; properties: Props }>;
  update(id: string, olds: Props, news: Props): Promise<Props>;
  delete(id: string, properties: Props): Promise<void>;
  /**
   * The same process driving another operation (calls carry `provider` as their `__provider`): the engine runs
   * one `pulumi-nodejs` dynamic provider for every dynamic resource of a program, and it loads and configures
   * each provider text once, with the process's config. Closing either closes the process.
   */
  serve(provider: string): DynamicProvider;
  /** Everything the plugin wrote to stderr. */
  stderr(): string;
  /** Attempts to leave loopback the preload recorded (JSON lines), also after `close`. */
  offLoopback(): string[];
  close(): Promise<void>;
}

const urn = "urn:pulumi:dev::project::pulumi-nodejs:dynamic/edge-registry:Operation::test";
const struct = (value: Props) => structproto.Struct.fromJavaScript(value as Record<string, any>);
const plain = (value: structproto.Struct | undefined): Props => (value ? (value.toJavaScript() as Props) : {});

/** Starts `cmd/dynamic-provider` in a fresh process and configures it. */
export async function startDynamicProvider(options: DynamicProviderOptions): Promise<DynamicProvider> {
  const loopbackLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dynamic-provider-")), "loopback.log");
  const child = spawn(
    process.execPath,
    [
      "-r",
      path.join(repoRoot, "test", "fakes", "loopbackOnly.js"),
      "-r",
      hostPreload,
      path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider"),
      options.engineAddress,
    ],
    {
      cwd: options.cwd ?? repoRoot, // the program's directory: where the closure's require()s resolve
      env: {
        PATH: process.env.PATH,
        LOOPBACK_ONLY_LOG: loopbackLog,
        ...(options.caFile ? { NODE_EXTRA_CA_CERTS: options.caFile } : {}),
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  let stdout = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    // Generous: on a busy shared machine a fresh Node process with the SDK can take this long to listen.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no port printed; stderr: ${stderr}`));
    }, 120_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(\d+)\s*$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`dynamic provider exited with ${code}; stderr: ${stderr}`));
    });
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const rpc = <Res>(method: string, request: unknown): Promise<Res> =>
    new Promise((resolve, reject) => {
      const fn = (
        client as unknown as Record<string, (r: unknown, cb: (e: grpc.ServiceError | null, res: Res) => void) => void>
      )[method];
      fn.call(client, request, (error, response) =>
        error ? reject(new Error(`${method}: ${error.details || error.message}`)) : resolve(response),
      );
    });

  const configure = new provproto.ConfigureRequest();
  configure.setArgs(struct({ ...options.config }));
  for (const [key, value] of Object.entries(options.config ?? {})) {
    configure.getVariablesMap().set(key, value);
  }
  configure.setAcceptsecrets(true);
  await rpc("configure", configure);

  const withoutProvider = (props: Props): Props => {
    if (options.keepProvider) {
      return props;
    }
    const copy = { ...props };
    delete copy[providerKey];
    return copy;
  };
  let recorded: string[] | undefined; // the log's lines once the process is closed (and the log removed)
  const offLoopback = (): string[] =>
    recorded ?? (fs.existsSync(loopbackLog) ? fs.readFileSync(loopbackLog, "utf8").split("\n").filter(Boolean) : []);
  const close = async (): Promise<void> => {
    client.close();
    if (child.exitCode === null) {
      child.kill("SIGTERM");
    }
    await exited;
    recorded ??= offLoopback();
    fs.rmSync(path.dirname(loopbackLog), { recursive: true, force: true });
  };

  /** The calls of this process, with `provider` as the `__provider` of what they send. */
  const driver = (provider: string): DynamicProvider => {
    const withProvider = (props: Props): Props => ({ [providerKey]: provider, ...props });
    return {
      async check(olds, news) {
        const request = new provproto.CheckRequest();
        request.setUrn(urn);
        request.setOlds(struct(Object.keys(olds).length ? withProvider(olds) : {}));
        request.setNews(struct(withProvider(news)));
        const response = await rpc<provproto.CheckResponse>("check", request);
        return {
          inputs: withoutProvider(plain(response.getInputs())),
          failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
      },
      async diff(id, olds, news) {
        const request = new provproto.DiffRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setOlds(struct(withProvider(olds)));
        request.setNews(struct(withProvider(news)));
        const response = await rpc<provproto.DiffResponse>("diff", request);
        const names: Record<number, string> = {
          [provproto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
          [provproto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
        };
        return {
          changes: names[response.getChanges()] ?? "unknown",
          replaces: response.getReplacesList(),
          deleteBeforeReplace: response.getDeletebeforereplace(),
        };
      },
      async create(properties) {
        const request = new provproto.CreateRequest();
        request.setUrn(urn);
        request.setProperties(struct(withProvider(properties)));
        const response = await rpc<provproto.CreateResponse>("create", request);
        return { id: response.getId(), properties: withoutProvider(plain(response.getProperties())) };
      },
      async read(id, properties) {
        const request = new provproto.ReadRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setProperties(struct(withProvider(properties)));
        const response = await rpc<provproto.ReadResponse>("read", request);
        return { id: response.getId(), properties: withoutProvider(plain(response.getProperties())) };
      },
      async update(id, olds, news) {
        const request = new provproto.UpdateRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setOlds(struct(withProvider(olds)));
        request.setNews(struct(withProvider(news)));
        const response = await rpc<provproto.UpdateResponse>("update", request);
        return withoutProvider(plain(response.getProperties()));
      },
      async delete(id, properties) {
        const request = new provproto.DeleteRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setProperties(struct(withProvider(properties)));
        await rpc<emptyproto.Empty>("delete", request);
      },
      serve: driver,
      stderr: () => stderr,
      offLoopback,
      close,
    };
  };
  return driver(options.provider);
}
