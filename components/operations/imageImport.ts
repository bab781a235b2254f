/**
 * The image import operation (`az acr import`, `POST .../registries/{registry}/importImage`), which
 * azure-native has no resource for.
 *
 * **Idempotent under retry and crash.** ACR's `NoForce` mode fails when a target tag exists, so a retried
 * import (the SDK retrying a POST whose response was lost, or `pulumi up` again after a crash) would fail
 * on the tags it wrote itself. The operation therefore reads the targets first, through the registry's
 * data plane (lib/registryDigests.ts; ARM has no tag listing), and compares with the source's digest:
 * - a target tag already at the source's digest is done (not imported again; all done = no import call);
 * - a target tag pointing elsewhere is an error naming the tag and how to overwrite it (`mode: Force`),
 *   unless this resource wrote it (an update re-points its own tags);
 * - whatever is left is imported, from the source **pinned at that digest** whenever it was read (so what
 *   lands is what was compared); with no target present yet, from the source as given. If the import call
 *   itself fails (e.g. a retried POST answered "exists"), the targets are read again and the error is kept
 *   only when they do not all point at the source's digest.
 * The source digest is only read when a target exists: from the reference when it is pinned
 * (`repo@sha256:…`), through the same data-plane SDK when the source is the target registry itself
 * (imported by `resourceId`, like az does for a registry of the tenant) or another Azure registry given by
 * `sourceResourceId` (its login server read from ARM), else through the source registry's OCI distribution
 * API with an anonymous token. `Force` imports need no comparison.
 *
 * **Retries.** The management client (client.ts) and the data-plane reads retry 429 (honouring
 * `Retry-After`), 5xx and dropped connections, bounded. A long-running import whose status poll is lost
 * is resumed from the poller's saved state (the same status URL, {@link maxPollResumes} times), never
 * re-submitted (after {@link resumeDelayMs}, doubling); the whole import is bounded by {@link importTimeoutMs}.
 *
 * **Drift.** `read` reports each target's digest (`targetDigests`). A target gone from the registry (or
 * never written) is missing from it, and the next `diff` plans an in-place update that imports the
 * missing targets again at the recorded `digest`: `pulumi refresh` shows the loss, `pulumi up` repairs
 * it. A registry that is gone drops the resource. A tag re-pointed outside Pulumi is reported as a warning.
 *
 * **No replacement that can only fail.** Only another registry (subscription, resource group or
 * registry name, compared case-insensitively) replaces. A new source or new targets re-import in place
 * (so the tags this resource wrote may be re-pointed even in `NoForce`), and `mode` alone changes nothing
 * in Azure: it only matters when importing.
 *
 * **Delete** keeps the imported tags (removing them needs data-plane delete rights, and a tag may be
 * shared with other imports); deleting the registry removes them.
 */
import type { ImportImageParameters, Registry } from "@azure/arm-containerregistry";
import type { CheckFailure, Operation, OperationContext, OperationDiff, RegistryClient } from "./operation";
import { parseImageReference, registryNameProblem, targetTagProblem } from "../lib/acrNames";
import { parseRegistryId, registryIdProblem, subscriptionOf } from "../lib/armId";
import { acrDigestReader, AcrDigestReader, callTimeoutMs, distributionDigest } from "../lib/registryDigests";

/** The import request (the resource's inputs), as the component builds it. */
export interface ImageImportInputs {
  /** Subscription of the registry; default: the login's (azure-native's) subscription. */
  subscriptionId?: string;
  resourceGroupName: string;
  registryName: string;
  /** Source registry host, e.g. `mcr.microsoft.com`; empty with `sourceResourceId`. */
  registryUri: string;
  /**
   * ARM id of a source Azure registry of the same tenant, sent as `source.resourceId` (az's import from a
   * registry it finds in the subscription) instead of `registryUri`.
   */
  sourceResourceId?: string;
  /** Repository with tag or digest inside the source registry, e.g. `mcr/hello-world:latest`. */
  sourceImage: string;
  /** `repository:tag` targets. */
  targetTags: string[];
  /** Repositories receiving an untagged copy (digest imports without target tags). */
  untaggedTargetRepositories: string[];
  /** `NoForce` (default) or `Force`. */
  mode: string;
}

/** The resource's state: the request plus what the registry holds. */
export interface ImageImportState extends ImageImportInputs {
  /** Digest of the manifest the targets were imported at. */
  digest?: string;
  /** Digest each target points at, as last seen (`repository:tag`, or the repository of an untagged copy). */
  targetDigests?: Record<string, string>;
}

/** Time allowed for one import, polls and retries included. */
export const importTimeoutMs = 30 * 60_000;
/** How many times a lost status poll is resumed before the import is given up. */
export const maxPollResumes = 3;
/** The wait before the first resume of a lost poll, doubled for each next one. */
export const resumeDelayMs = 1000;

const modes = ["NoForce", "Force"];
const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** An error's message without its final period (messages here are embedded in sentences). */
function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.+$/, "");
}

function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

/** ARM names (resource group, registry) and hosts compare case-insensitively. */
function sameName(a: string | undefined, b: string | undefined): boolean {
  return (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The subscription a state is in: its input, else the one its id records (the login's at creation). */
function subscriptionOfState(id: string, state: ImageImportState): string | undefined {
  return state.subscriptionId ?? subscriptionOf(id);
}

/** The targets of a request: tags first, then the repositories of untagged copies. */
function targetsOf(inputs: ImageImportInputs): string[] {
  return [...inputs.targetTags, ...inputs.untaggedTargetRepositories];
}

function splitTag(target: string): [string, string] {
  const colon = target.lastIndexOf(":");
  return [target.slice(0, colon), target.slice(colon + 1)];
}

/** The digest a source image is pinned at (`repo@sha256:…`), if any. */
function pinnedDigest(sourceImage: string): string | undefined {
  const at = sourceImage.indexOf("@");
  return at >= 0 ? sourceImage.slice(at + 1) : undefined;
}

/** `sourceImage` pinned at `digest` (`repo:tag` → `repo@digest`). */
function pinned(sourceImage: string, digest: string): string {
  return `${sourceImage.split("@")[0].replace(/:[^/:]*$/, "")}@${digest}`;
}

function sameSource(a: ImageImportInputs, b: ImageImportInputs): boolean {
  return (
    sameName(a.registryUri, b.registryUri) &&
    sameName(a.sourceResourceId, b.sourceResourceId) &&
    a.sourceImage === b.sourceImage
  );
}

/** The source as messages name it: `host/image`, or `<registry id>/image`. */
function sourceLabel(inputs: ImageImportInputs): string {
  return `${inputs.sourceResourceId ?? inputs.registryUri}/${inputs.sourceImage}`;
}

/** The resource id: the registry's id + `/imports/<targets>` (kept from the earlier provider, for state compatibility). */
function importId(subscriptionId: string, inputs: ImageImportInputs): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${inputs.registryName}/imports/${targetsOf(inputs).join(",")}`;
}

/** What one import call should do, decided against the registry's content. */
interface ImportPlan {
  /** Targets to write: all of the request's on create; the new or missing ones on an update. */
  readonly targets: readonly string[];
  /** Targets this resource wrote, with the digest it recorded: they may be re-pointed in `NoForce`. */
  readonly owned: Readonly<Record<string, string>>;
  /** Import at this digest (an update repairing or adding targets of an unchanged source). */
  readonly pin?: string;
}

/** The registry, its data plane and the resolved subscription of a request. */
interface Target {
  readonly client: RegistryClient;
  readonly registry: Registry;
  readonly loginServer: string;
  readonly reader: AcrDigestReader;
  readonly subscriptionId: string;
}

async function connect(inputs: ImageImportInputs, ctx: OperationContext): Promise<Target | undefined> {
  const client = await ctx.client(inputs.subscriptionId);
  let registry: Registry;
  try {
    registry = await client.registries.get(inputs.resourceGroupName, inputs.registryName, {
      abortSignal: AbortSignal.timeout(callTimeoutMs),
    });
  } catch (error) {
    if (statusOf(error) === 404) {
      return undefined;
    }
    throw error;
  }
  const loginServer = registry.loginServer;
  const subscriptionId = subscriptionOf(registry.id ?? "") ?? inputs.subscriptionId;
  if (!loginServer || !subscriptionId) {
    throw new Error(`registry ${inputs.registryName} has no login server or id in its ARM answer.`);
  }
  const { credential } = await ctx.login();
  return { client, registry, loginServer, reader: acrDigestReader(loginServer, credential), subscriptionId };
}

/** The digest each target points at now (missing targets are left out). `digest` checks untagged copies. */
async function readTargets(
  inputs: ImageImportInputs,
  targets: readonly string[],
  reader: AcrDigestReader,
  digest: string | undefined,
): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const target of targets) {
    if (inputs.targetTags.includes(target)) {
      const value = await reader.tagDigest(...splitTag(target));
      if (value !== undefined) found[target] = value;
    } else if (digest !== undefined && (await reader.hasManifest(target, digest))) {
      found[target] = digest;
    }
  }
  return found;
}

/** The source image's digest (see the module documentation for where it is read). */
async function sourceDigest(inputs: ImageImportInputs, target: Target, ctx: OperationContext): Promise<string> {
  const pin = pinnedDigest(inputs.sourceImage);
  if (pin !== undefined) {
    return pin;
  }
  const [repository, tag] = splitTag(inputs.sourceImage);
  const reader = await sourceRegistryReader(inputs, target, ctx);
  if (reader !== undefined) {
    const digest = await reader.tagDigest(repository, tag);
    if (digest === undefined) {
      throw new Error(`the source ${sourceLabel(inputs)} does not exist.`);
    }
    return digest;
  }
  return distributionDigest(inputs.registryUri, repository, tag);
}

/** The data-plane reader of an Azure source registry (the target itself, or `sourceResourceId`), if it is one. */
async function sourceRegistryReader(
  inputs: ImageImportInputs,
  target: Target,
  ctx: OperationContext,
): Promise<AcrDigestReader | undefined> {
  const source = inputs.sourceResourceId === undefined ? undefined : parseRegistryId(inputs.sourceResourceId);
  if (source === undefined) {
    return sameName(inputs.registryUri, target.loginServer) ? target.reader : undefined;
  }
  if (sameName(inputs.sourceResourceId, target.registry.id)) {
    return target.reader;
  }
  const client = await ctx.client(source.subscriptionId);
  const registry = await client.registries.get(source.resourceGroupName, source.registryName, {
    abortSignal: AbortSignal.timeout(callTimeoutMs),
  });
  if (!registry.loginServer) {
    throw new Error(`source registry ${inputs.sourceResourceId} has no login server in its ARM answer.`);
  }
  const { credential } = await ctx.login();
  return acrDigestReader(registry.loginServer, credential);
}

/**
 * Whether a failed long-running operation only lost its status poll (the connection, or 429/5xx after the
 * SDK's own retries) rather than failing in Azure (a 4xx answer, or `Failed` in the status).
 */
function pollLost(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Runs one import and waits for it; a lost status poll is resumed, never re-submitted. */
async function runImport(
  client: RegistryClient,
  inputs: ImageImportInputs,
  parameters: ImportImageParameters,
  ctx: OperationContext,
): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("@azure/arm-containerregistry") as typeof import("@azure/arm-containerregistry");
  const abortSignal = AbortSignal.timeout(importTimeoutMs);
  // The SDK's poll interval unless a test harness set one (OperationContext.pollIntervalMs).
  const options = { abortSignal, updateIntervalInMs: ctx.pollIntervalMs };
  let poller = client.registries.importImage(inputs.resourceGroupName, inputs.registryName, parameters, options);
  for (let resumes = 0; ; resumes++) {
    try {
      await poller.pollUntilDone({ abortSignal });
      return;
    } catch (error) {
      // core-lro records a lost poll as the operation's failure: resume from its state when it was
      // submitted (it has a status URL) and only the poll failed, within the resumes and the time left.
      const state = poller.operationState as { config?: { operationLocation?: string }; error?: unknown } | undefined;
      const lost = state?.config?.operationLocation !== undefined && pollLost(state.error ?? error);
      if (!lost || resumes >= maxPollResumes || abortSignal.aborted) {
        throw error;
      }
      ctx.warn(`the import's status poll failed (${messageOf(error)}); polling the same operation again.`);
      await new Promise((resolve) => setTimeout(resolve, (ctx.pollIntervalMs ?? resumeDelayMs) * 2 ** resumes));
      const saved = JSON.parse(await poller.serialize()) as { state: { status: string; error?: unknown } };
      saved.state.status = "running";
      delete saved.state.error;
      poller = sdk.restorePoller(
        client as unknown as import("@azure/arm-containerregistry").ContainerRegistryManagementClient,
        JSON.stringify(saved),
        client.registries.importImage,
        options,
      );
    }
  }
}

function conflictError(inputs: ImageImportInputs, tag: string, current: string, wanted: string): Error {
  return new Error(
    `target tag ${tag} in registry ${inputs.registryName} already points at ${current}, not at ${wanted} ` +
      `(${sourceLabel(inputs)}); mode NoForce never overwrites a tag it did not write. ` +
      `Set \`mode: Force\` (ImportMode.Force) on this import to re-point ${tag}, or choose another target tag.`,
  );
}

/** Makes the registry hold `plan.targets` at the source's digest, and returns the new state. */
async function importTargets(
  inputs: ImageImportInputs,
  plan: ImportPlan,
  ctx: OperationContext,
): Promise<ImageImportState> {
  const target = await connect(inputs, ctx);
  if (target === undefined) {
    throw new Error(
      `registry ${inputs.registryName} was not found in resource group ${inputs.resourceGroupName}; create it first.`,
    );
  }
  let digest = plan.pin ?? pinnedDigest(inputs.sourceImage);
  const resolveDigest = async () => (digest ??= await sourceDigest(inputs, target, ctx));
  const tags = plan.targets.filter((t) => inputs.targetTags.includes(t));
  const repositories = plan.targets.filter((t) => !inputs.targetTags.includes(t));
  let write = { tags, repositories };
  let mode = inputs.mode;

  if (inputs.mode !== "Force" || plan.pin !== undefined) {
    const before = await readTargets(inputs, tags, target.reader, undefined);
    const present = tags.filter((t) => before[t] !== undefined);
    if (present.length > 0) {
      const wanted = await resolveDigest();
      const moved = present.filter((t) => before[t] !== wanted);
      const foreign = moved.find((t) => inputs.mode !== "Force" && plan.owned[t] !== before[t]);
      if (foreign !== undefined) {
        throw conflictError(inputs, foreign, before[foreign], wanted);
      }
      // Tags to re-point are this resource's own (or Force): overwrite exactly those.
      mode = moved.length > 0 ? "Force" : "NoForce";
      write = { tags: tags.filter((t) => before[t] !== wanted), repositories };
    }
    if (digest !== undefined && repositories.length > 0) {
      const have = await readTargets(inputs, repositories, target.reader, digest);
      write = { ...write, repositories: repositories.filter((r) => have[r] === undefined) };
    }
  }

  if (write.tags.length + write.repositories.length > 0) {
    const sameRegistry = sameName(inputs.registryUri, target.loginServer);
    const sourceImage = digest !== undefined ? pinned(inputs.sourceImage, digest) : inputs.sourceImage;
    const parameters: ImportImageParameters = {
      source:
        inputs.sourceResourceId !== undefined
          ? { resourceId: inputs.sourceResourceId, sourceImage }
          : sameRegistry
            ? { resourceId: target.registry.id, sourceImage }
            : { registryUri: inputs.registryUri, sourceImage },
      ...(write.tags.length > 0 ? { targetTags: write.tags } : {}),
      ...(write.repositories.length > 0 ? { untaggedTargetRepositories: write.repositories } : {}),
      mode: mode as ImportImageParameters["mode"],
    };
    try {
      await runImport(target.client, inputs, parameters, ctx);
    } catch (error) {
      // A retried POST whose first answer was lost fails on the tags it wrote ("exists"): accept the
      // import when every target it was to write now points at the source's digest.
      let landed = false;
      try {
        const wanted = await resolveDigest();
        const now = await readTargets(inputs, [...write.tags, ...write.repositories], target.reader, wanted);
        landed = [...write.tags, ...write.repositories].every((t) => now[t] === wanted);
      } catch {
        landed = false;
      }
      if (!landed) {
        const hint =
          inputs.mode === "NoForce" && /exist|conflict/i.test(messageOf(error))
            ? " With mode NoForce an existing target tag fails the import; set `mode: Force` to overwrite it."
            : "";
        throw new Error(
          `importing ${sourceLabel(inputs)} into registry ${inputs.registryName} failed: ${messageOf(error)}.${hint}`,
        );
      }
    }
  }

  const targetDigests = await readTargets(inputs, targetsOf(inputs), target.reader, digest);
  digest ??= inputs.targetTags.map((t) => targetDigests[t]).find((d) => d !== undefined);
  return {
    ...inputs,
    subscriptionId: inputs.subscriptionId ?? target.subscriptionId,
    ...(digest !== undefined ? { digest } : {}),
    targetDigests,
  };
}

/** Targets of `news` the registry no longer holds according to the state (`read` left them out). */
function missingTargets(olds: ImageImportState, news: ImageImportInputs): string[] {
  if (olds.targetDigests === undefined) {
    return [];
  }
  return targetsOf(news).filter((t) => targetsOf(olds).includes(t) && olds.targetDigests?.[t] === undefined);
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}

export const imageImportOperation: Operation<ImageImportInputs, ImageImportState> = {
  name: "ImageImport",
  type: "edge-registry:index:ImageImportOperation",
  description:
    "Imports an image into an Azure Container Registry (`az acr import`), idempotently: target tags already at the source's digest are accepted, a tag pointing elsewhere fails unless `mode` is `Force`. `read` reports the targets' digests; a target deleted outside Pulumi is imported again by the next update.",
  inputs: {
    subscriptionId: { type: "string", description: "Subscription of the registry. Default: azure-native's." },
    resourceGroupName: { type: "string", description: "Resource group of the registry.", required: true },
    registryName: { type: "string", description: "Name of the registry.", required: true },
    registryUri: {
      type: "string",
      description: "Source registry host, e.g. `mcr.microsoft.com`. Required unless `sourceResourceId` is set.",
    },
    sourceResourceId: {
      type: "string",
      description:
        "ARM id of a source Azure registry of the same tenant, sent as `source.resourceId` instead of `registryUri`.",
    },
    sourceImage: {
      type: "string",
      description: "Repository and tag or digest in the source registry, e.g. `mcr/hello-world:latest`.",
      required: true,
    },
    targetTags: { type: "array", items: { type: "string" }, description: "`repository:tag` targets." },
    untaggedTargetRepositories: {
      type: "array",
      items: { type: "string" },
      description: "Repositories receiving an untagged copy (a digest source without target tags).",
    },
    mode: { type: "string", description: "`NoForce` (default: an existing tag pointing elsewhere fails) or `Force`." },
  },
  outputs: {
    digest: { type: "string", description: "Digest of the manifest the targets were imported at." },
    targetDigests: {
      type: "object",
      additionalProperties: { type: "string" },
      description: "Digest each target points at, as last read; a target deleted outside Pulumi is missing.",
    },
  },

  check(_olds, news) {
    const failures: CheckFailure[] = [];
    const text = (property: string, required: boolean): string => {
      const value = news[property];
      if (value === undefined && !required) return "";
      if (typeof value !== "string" || value === "") {
        failures.push({ property, reason: `${property} must be a non-empty string.` });
        return "";
      }
      return value;
    };
    const subscriptionId = text("subscriptionId", false);
    if (subscriptionId !== "" && !guid.test(subscriptionId)) {
      failures.push({ property: "subscriptionId", reason: `"${subscriptionId}" is not a subscription id (a GUID).` });
    }
    const resourceGroupName = text("resourceGroupName", true);
    const registryName = text("registryName", true);
    const nameProblem = registryName === "" ? undefined : registryNameProblem(registryName);
    if (nameProblem) failures.push({ property: "registryName", reason: nameProblem });
    const sourceResourceId = text("sourceResourceId", false);
    const idProblem = sourceResourceId === "" ? undefined : registryIdProblem(sourceResourceId);
    if (idProblem) failures.push({ property: "sourceResourceId", reason: idProblem });
    const registryUri = text("registryUri", sourceResourceId === "");
    const sourceImage = text("sourceImage", true);
    if (sourceResourceId === "" && registryUri !== "" && sourceImage !== "") {
      const parsed = parseImageReference(`${registryUri}/${sourceImage}`);
      if (typeof parsed === "string" || (!parsed.tag && !parsed.digest)) {
        failures.push({
          property: "sourceImage",
          reason: `"${registryUri}/${sourceImage}" is not repository:tag or repository@digest in a registry host.`,
        });
      }
    }
    const targetTags = news.targetTags === undefined ? [] : stringArray(news.targetTags);
    const untagged = news.untaggedTargetRepositories === undefined ? [] : stringArray(news.untaggedTargetRepositories);
    if (targetTags === undefined) failures.push({ property: "targetTags", reason: "must be a list of strings." });
    if (untagged === undefined) {
      failures.push({ property: "untaggedTargetRepositories", reason: "must be a list of strings." });
    }
    (targetTags ?? []).forEach((tag, i) => {
      const problem = targetTagProblem(tag);
      if (problem) failures.push({ property: `targetTags[${i}]`, reason: problem });
    });
    if ((targetTags ?? []).length + (untagged ?? []).length === 0 && targetTags && untagged) {
      failures.push({
        property: "targetTags",
        reason: "an import needs a target tag or an untagged target repository.",
      });
    }
    const mode = news.mode === undefined ? "NoForce" : String(news.mode);
    if (!modes.includes(mode)) {
      failures.push({ property: "mode", reason: `"${mode}" is not a mode; use NoForce (default) or Force.` });
    }
    return {
      inputs: {
        ...(subscriptionId !== "" ? { subscriptionId } : {}),
        resourceGroupName,
        registryName,
        registryUri,
        ...(sourceResourceId !== "" ? { sourceResourceId } : {}),
        sourceImage,
        targetTags: targetTags ?? [],
        untaggedTargetRepositories: untagged ?? [],
        mode,
      },
      failures,
    };
  },

  async diff(id, olds, news): Promise<OperationDiff> {
    const replaces: string[] = [];
    const oldSubscription = subscriptionOfState(id, olds);
    // An unset subscription means azure-native's: the one the id recorded at creation.
    if (news.subscriptionId !== undefined && !sameName(oldSubscription, news.subscriptionId)) {
      replaces.push("subscriptionId");
    }
    if (!sameName(olds.resourceGroupName, news.resourceGroupName)) replaces.push("resourceGroupName");
    if (!sameName(olds.registryName, news.registryName)) replaces.push("registryName");
    const changed =
      replaces.length > 0 ||
      !sameSource(olds, news) ||
      !sameSet(olds.targetTags, news.targetTags) ||
      !sameSet(olds.untaggedTargetRepositories, news.untaggedTargetRepositories) ||
      olds.mode !== news.mode ||
      missingTargets(olds, news).length > 0;
    return { changes: changed, replaces, deleteBeforeReplace: false };
  },

  async create(inputs, ctx) {
    const outs = await importTargets(inputs, { targets: targetsOf(inputs), owned: {} }, ctx);
    return { id: importId(outs.subscriptionId as string, inputs), outs };
  },

  async read(id, state, ctx) {
    const inputs = { ...state, subscriptionId: subscriptionOfState(id, state) };
    const target = await connect(inputs, ctx);
    if (target === undefined) {
      return undefined; // the registry is gone, and its images with it
    }
    // A state written before digests were recorded: a pinned source names it, else the first tag found does.
    const known = state.digest ?? pinnedDigest(state.sourceImage);
    const targetDigests = await readTargets(inputs, targetsOf(inputs), target.reader, known);
    const digest = known ?? inputs.targetTags.map((t) => targetDigests[t]).find((d) => d !== undefined);
    for (const tag of inputs.targetTags) {
      if (digest !== undefined && targetDigests[tag] !== undefined && targetDigests[tag] !== digest) {
        ctx.warn(
          `target tag ${tag} in registry ${inputs.registryName} now points at ${targetDigests[tag]}, not at the imported ${digest}; ` +
            "it was re-pointed outside Pulumi, which leaves it as it is.",
        );
      }
    }
    return { id, props: { ...state, ...(digest !== undefined ? { digest } : {}), targetDigests } };
  },

  async update(id, olds, news, ctx) {
    const missing = missingTargets(olds, news);
    const added = targetsOf(news).filter((t) => !targetsOf(olds).includes(t));
    const inputs = { ...news, subscriptionId: news.subscriptionId ?? subscriptionOfState(id, olds) };
    if (!sameSource(olds, news)) {
      // A new source re-points every target; the ones this resource wrote may be overwritten.
      const owned = Object.fromEntries(
        Object.entries(olds.targetDigests ?? {}).filter(([t, d]) => d === olds.digest && targetsOf(olds).includes(t)),
      );
      return importTargets(inputs, { targets: targetsOf(news), owned }, ctx);
    }
    if (missing.length + added.length > 0) {
      // Same source: add or repair targets at the digest the others hold.
      return importTargets(inputs, { targets: [...missing, ...added], owned: {}, pin: olds.digest }, ctx);
    }
    // Only the mode or names' spelling changed: nothing to do in Azure.
    const targetDigests = Object.fromEntries(
      Object.entries(olds.targetDigests ?? {}).filter(([t]) => targetsOf(news).includes(t)),
    );
    return {
      ...inputs,
      ...(olds.digest !== undefined ? { digest: olds.digest } : {}),
      ...(olds.targetDigests !== undefined ? { targetDigests } : {}),
    };
  },

  async delete() {
    // Imported tags are kept on purpose (see the module documentation).
  },
};
