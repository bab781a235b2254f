/**
 * A fake Pulumi engine for driving the provider plugin over gRPC: the `Engine` service (logs) and the
 * `ResourceMonitor` service a `Construct` registers its children with. Both listen on 127.0.0.1 only.
 *
 * The monitor records every registration (type, name, parent, custom, version, inputs, aliases, additional
 * secret outputs) and answers like the engine does in a preview of a new stack: a component gets its URN,
 * a custom resource its URN, no id (unknown) and its inputs back (its other outputs stay unknown) — or,
 * with `deploy`, like an update: the id and outputs of the resource created.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";

/** One `RegisterResource` call, as the monitor saw it. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Parent URN ("" for none). */
  readonly parent: string;
  readonly custom: boolean;
  readonly remote: boolean;
  /** Package version the resource asked for ("" when none). */
  readonly version: string;
  /** Plugin download URL the resource asked for ("" when none). */
  readonly pluginDownloadURL: string;
  /** Provider reference ("" for the default provider). */
  readonly provider: string;
  /**
   * The plugin the engine would run this custom resource with, when it is one of {@link FakeEngineOptions.packages}
   * and has no explicit provider (see `resolveDefaultProvider`).
   */
  readonly resolvedPlugin?: PackageDescriptor;
  /** Inputs as the SDK serialized them (secrets still wrapped). */
  readonly inputs: Record<string, unknown>;
  /** Alias specs (type/name/parent of each alias). */
  readonly aliases: { type: string; name: string; parentUrn: string; noParent: boolean }[];
  readonly additionalSecretOutputs: string[];
  readonly dependencies: string[];
}

/** One engine log line. */
export interface LogEntry {
  readonly severity: "debug" | "info" | "warning" | "error";
  readonly message: string;
  readonly urn: string;
}

/** What the engine knows of a plugin package: a workspace.PackageDescriptor's version and download URL. */
export interface PackageDescriptor {
  /** Undefined for a local-path package (`pulumi package add ./dir`): the engine runs that folder, unversioned. */
  readonly version?: string;
  /** `git://<host>/<owner>/<repo>` for a git package; "" for a local path. */
  readonly pluginDownloadURL: string;
}

/**
 * The engine's default provider for a custom resource registered without a provider reference, modelled on
 * pulumi/pulumi (1b59498) `defaultProviders.normalizeProviderRequest` (pkg/resource/deploy/default_providers.go):
 * a version or download URL in the registration is used verbatim; only missing ones are taken from the
 * package's default (`defaultProviderInfo`, filled by `computeDefaultProviderPackages`, pkg/engine/plugins.go,
 * from the program's packages — the descriptor the running plugin was started from). A git package's version
 * is its tag or `0.0.0-x<commit>` (`parsePluginSpecFromURL`, sdk/go/common/workspace/plugins.go), and the
 * engine reports that version for the plugin whatever the plugin says (`overrideVersion` in
 * pkg/resource/plugin/provider_plugin.go).
 */
export function resolveDefaultProvider(
  registration: { version: string; pluginDownloadURL: string },
  defaults: PackageDescriptor,
): PackageDescriptor {
  return {
    version: registration.version !== "" ? registration.version : defaults.version,
    pluginDownloadURL:
      registration.pluginDownloadURL !== "" ? registration.pluginDownloadURL : defaults.pluginDownloadURL,
  };
}

export interface FakeEngineOptions {
  /**
   * Packages the program uses, each with the descriptor of the plugin the engine runs for it (the one under
   * test). A custom resource of such a package registered without a provider resolves through
   * {@link resolveDefaultProvider}; when that is not the running plugin (another version or URL), the
   * registration fails as the engine's would, looking for a plugin that is not installed.
   */
  readonly packages?: Record<string, PackageDescriptor>;
  /** Outputs of an invoke (`getClientConfig`…), by token. Unknown tokens fail the invoke. */
  readonly invokes?: Record<string, (args: Record<string, unknown>) => Record<string, unknown>>;
  /**
   * Deploys a custom resource as the engine would in an update (check + create through its provider):
   * its id and outputs. Unset, or answering undefined: the preview answer (no id, the inputs echoed).
   * A rejection fails the registration with its message.
   */
  readonly deploy?: (
    registration: Registration,
  ) => Promise<{ id: string; outputs: Record<string, unknown> } | undefined>;
}

export interface FakeEngine {
  /** `127.0.0.1:<port>` of the Engine service (the plugin's first argument). */
  readonly engineAddress: string;
  /** `127.0.0.1:<port>` of the resource monitor (ConstructRequest.monitorEndpoint). */
  readonly monitorAddress: string;
  readonly registrations: Registration[];
  /** `RegisterResourceOutputs` calls by URN. */
  readonly registeredOutputs: Map<string, Record<string, unknown>>;
  readonly invokes: { token: string; args: Record<string, unknown> }[];
  readonly logs: LogEntry[];
  /** Pulumi version ranges the plugin required (`RequirePulumiVersion`). */
  readonly requiredVersions: string[];
  /** Makes `urn` known as the root stack: a parent whose type, as the engine's, stays out of its children's URNs. */
  addParent(urn: string): void;
  close(): Promise<void>;
}

const severities: Record<number, LogEntry["severity"]> = {
  [engproto.LogSeverity.DEBUG]: "debug",
  [engproto.LogSeverity.INFO]: "info",
  [engproto.LogSeverity.WARNING]: "warning",
  [engproto.LogSeverity.ERROR]: "error",
};

/** Features the monitor reports: the ones a current CLI has and this fake implements. */
const features = new Set(["secrets", "resourceReferences", "aliasSpecs", "deletedWith", "replaceWith"]);

async function listen(server: grpc.Server): Promise<string> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return `127.0.0.1:${port}`;
}

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

function unary<Req, Res>(handler: (request: Req) => Res): Unary<Req, Res> {
  return (call, callback) => {
    try {
      callback(null, handler(call.request));
    } catch (e) {
      callback({ code: grpc.status.UNKNOWN, details: (e as Error).message });
    }
  };
}

function unaryAsync<Req, Res>(handler: (request: Req) => Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    handler(call.request).then(
      (res) => callback(null, res),
      (e: Error) => callback({ code: grpc.status.UNKNOWN, details: e.message }),
    );
  };
}

function unimplemented(_call: unknown, callback: grpc.sendUnaryData<unknown>): void {
  callback({ code: grpc.status.UNIMPLEMENTED, details: "not implemented by the fake engine" });
}

/** Starts the fake engine and resource monitor (two gRPC servers on 127.0.0.1). */
export async function startFakeEngine(options: FakeEngineOptions = {}): Promise<FakeEngine> {
  const registrations: Registration[] = [];
  const registeredOutputs = new Map<string, Record<string, unknown>>();
  const invokes: { token: string; args: Record<string, unknown> }[] = [];
  const logs: LogEntry[] = [];
  const requiredVersions: string[] = [];
  const types = new Map<string, string>();
  let stack = "dev";
  let project = "project";

  const engineServer = new grpc.Server();
  engineServer.addService(engrpc.EngineService, {
    log: unary((req: engproto.LogRequest) => {
      logs.push({ severity: severities[req.getSeverity()], message: req.getMessage(), urn: req.getUrn() });
      return new emptyproto.Empty();
    }),
    getRootResource: unary(() => new engproto.GetRootResourceResponse()),
    setRootResource: unary(() => new engproto.SetRootResourceResponse()),
    startDebugging: unimplemented,
    requirePulumiVersion: unary((req: engproto.RequirePulumiVersionRequest) => {
      requiredVersions.push(req.getPulumiVersionRange());
      return new engproto.RequirePulumiVersionResponse();
    }),
  });

  const monitorServer = new grpc.Server();
  monitorServer.addService(resrpc.ResourceMonitorService, {
    supportsFeature: unary((req: resproto.SupportsFeatureRequest) => {
      const res = new resproto.SupportsFeatureResponse();
      res.setHassupport(features.has(req.getId()));
      return res;
    }),
    registerResource: unaryAsync(async (req: resproto.RegisterResourceRequest) => {
      const parent = req.getParent();
      const parentType = parent ? types.get(parent) : undefined;
      if (parent && parentType === undefined) {
        throw new Error(`parent ${parent} of ${req.getName()} was never registered`);
      }
      const type = parentType ? `${parentType}$${req.getType()}` : req.getType();
      const urn = `urn:pulumi:${stack}::${project}::${type}::${req.getName()}`;
      if (types.has(urn)) {
        throw new Error(`duplicate URN ${urn}`);
      }
      types.set(urn, type);
      const inputs = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
      const running = options.packages?.[req.getType().split(":")[0]];
      const requested = { version: req.getVersion(), pluginDownloadURL: req.getPlugindownloadurl() };
      const resolvedPlugin =
        req.getCustom() && running !== undefined && req.getProvider() === ""
          ? resolveDefaultProvider(requested, running)
          : undefined;
      if (
        resolvedPlugin !== undefined &&
        (resolvedPlugin.version !== running!.version || resolvedPlugin.pluginDownloadURL !== running!.pluginDownloadURL)
      ) {
        throw new Error(
          `no resource plugin '${req.getType().split(":")[0]}' found in the workspace at version ` +
            `v${resolvedPlugin.version} (${resolvedPlugin.pluginDownloadURL || "no download URL"}); ` +
            `the running one is v${running!.version ?? "(local path)"}`,
        );
      }
      const registration: Registration = {
        urn,
        type: req.getType(),
        name: req.getName(),
        parent,
        custom: req.getCustom(),
        remote: req.getRemote(),
        version: req.getVersion(),
        pluginDownloadURL: req.getPlugindownloadurl(),
        provider: req.getProvider(),
        resolvedPlugin,
        inputs,
        aliases: req.getAliasesList().map((alias) => {
          const spec = alias.getSpec();
          return {
            type: spec?.getType() ?? "",
            name: spec?.getName() ?? "",
            parentUrn: spec?.getParenturn() ?? "",
            noParent: spec?.getNoparent() ?? false,
          };
        }),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        dependencies: req.getDependenciesList(),
      };
      registrations.push(registration);
      const res = new resproto.RegisterResourceResponse();
      res.setUrn(urn);
      if (registration.custom) {
        const deployed = await options.deploy?.(registration);
        if (deployed) {
          res.setId(deployed.id);
        }
        const outputs = deployed?.outputs ?? inputs;
        res.setObject(structproto.Struct.fromJavaScript(outputs as Record<string, structproto.JavaScriptValue>));
      } else {
        res.setObject(new structproto.Struct());
      }
      return res;
    }),
    registerResourceOutputs: unary((req: resproto.RegisterResourceOutputsRequest) => {
      registeredOutputs.set(req.getUrn(), (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
      return new emptyproto.Empty();
    }),
    invoke: unary((req: resproto.ResourceInvokeRequest) => {
      const args = (req.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
      invokes.push({ token: req.getTok(), args });
      const handler = options.invokes?.[req.getTok()];
      if (!handler) {
        throw new Error(`unexpected invoke ${req.getTok()}`);
      }
      const res = new provproto.InvokeResponse();
      res.setReturn(structproto.Struct.fromJavaScript(handler(args) as Record<string, structproto.JavaScriptValue>));
      return res;
    }),
    getDeploymentInfo: unimplemented,
    call: unimplemented,
    readResource: unimplemented,
    existsResource: unimplemented,
    registerStackTransform: unimplemented,
    registerStackInvokeTransform: unimplemented,
    registerResourceHook: unimplemented,
    registerErrorHook: unimplemented,
    registerPackage: unimplemented,
    signalAndWaitForShutdown: unary(() => new emptyproto.Empty()),
  });

  const [engineAddress, monitorAddress] = await Promise.all([listen(engineServer), listen(monitorServer)]);
  return {
    engineAddress,
    monitorAddress,
    registrations,
    registeredOutputs,
    invokes,
    logs,
    requiredVersions,
    addParent(urn: string) {
      const parts = urn.split("::");
      project = parts[1];
      stack = parts[0].split(":").pop()!;
      types.set(urn, "");
    },
    close: async () => {
      await Promise.all(
        [engineServer, monitorServer].map(
          (server) => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
        ),
      );
    },
  };
}
