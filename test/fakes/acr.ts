/**
 * The Microsoft.ContainerRegistry REST surface the token password and deactivation operations use,
 * added to the fake ARM of {@link startFakeAzure} (`fake.route`). Shapes follow the REST spec
 * (2025-11-01; examples `RegistryGenerateCredentials`, `TokenGet`, `TokenUpdate`,
 * `ConnectedRegistryGet`, `ConnectedRegistryDeactivate`):
 *
 * - `GET .../registries/{r}`: the registry (Premium, data endpoint);
 * - `GET .../registries/{r}/tokens/{t}`: the token with its passwords' metadata (`name`,
 *   `creationTime`, `expiry`; never `value`), 404 `ResourceNotFound` when absent;
 * - `PATCH .../tokens/{t}`: `properties.credentials.passwords` lists the passwords to keep (az's
 *   `token credential delete`), long-running (201 + `Azure-AsyncOperation`);
 * - `POST .../registries/{r}/generateCredentials` `{tokenId, name?, expiry?}`: regenerates the named
 *   slot (both without a name) — the old value stops working at once — and answers 202 with
 *   `Azure-AsyncOperation`/`Location`; the result (`{username, passwords: [{name, value, creationTime,
 *   expiry}]}`) is served by the `Location` URL once the polls are done. The change is applied when the
 *   request arrives, so a dropped answer (`faults.add({kind: "dropAfter"})`) still regenerates;
 * - `GET .../connectedRegistries/{c}`: with `activation.status`; `POST .../deactivate`: long-running
 *   (202 + `Location`), sets the status to `Inactive`.
 *
 * Creation times carry 7 fractional digits like Azure's (`2026-12-01T21:50:00.1234567Z`) and are
 * strictly increasing per millisecond, so a regenerated slot always has a new `creationTime`.
 */
import * as crypto from "node:crypto";
import type { ArmRequest, ArmResponse, FakeAzure } from "./azure";

/** One password slot as the fake keeps it. */
export interface FakePassword {
  readonly name: "password1" | "password2";
  readonly value: string;
  readonly creationTime: string;
  readonly expiry?: string;
}

/** A token in the fake registry. */
export interface FakeToken {
  readonly name: string;
  scopeMapId: string;
  status: string;
  readonly passwords: Map<string, FakePassword>;
}

/** A connected registry in the fake registry. */
export interface FakeConnectedRegistry {
  readonly name: string;
  mode: string;
  activationStatus: string;
}

/** Options of {@link addFakeAcr}. */
export interface FakeAcrOptions {
  /** Leave `creationTime` out of every answer (Azure sometimes omits it). Default false. */
  omitCreationTime?: boolean;
  /** Status polls answered `InProgress` before a long-running operation completes. Default 0 (the first poll completes it; the SDK waits its poll interval before it). */
  polls?: number;
}

/** The fake registry's state and helpers. */
export interface FakeAcr {
  /** Resource group and registry names of the one registry served. */
  readonly resourceGroupName: string;
  readonly registryName: string;
  readonly subscriptionId: string;
  /** ARM id of the registry. */
  readonly registryId: string;
  readonly options: FakeAcrOptions;
  /** Tokens by lowercased name. */
  readonly tokens: Map<string, FakeToken>;
  /** Connected registries by lowercased name. */
  readonly connectedRegistries: Map<string, FakeConnectedRegistry>;
  /** Every password value ever generated, in order (with its token and slot). */
  readonly generated: { token: string; slot: string; value: string }[];
  /** Adds a token (no passwords) and returns its ARM id. */
  addToken(name: string): string;
  /** Adds a connected registry with an activation status (default `Active`). */
  addConnectedRegistry(name: string, activationStatus?: string): string;
  /** Regenerates a slot as `az acr token credential generate` would, outside Pulumi. */
  regenerate(tokenName: string, slot: "password1" | "password2"): FakePassword;
  /** Whether `value` logs in as `tokenName` now (a current password of the token, not expired). */
  accepts(tokenName: string, value: string): boolean;
}

let clock = 0;
/** A creation time like Azure's (7 fractional digits), strictly increasing in milliseconds. */
function creationTime(): string {
  clock = Math.max(clock + 1, Date.now());
  const iso = new Date(clock).toISOString(); // ....mmmZ
  return `${iso.slice(0, -1)}${crypto.randomInt(1000, 9999)}Z`;
}

const notFound = (what: string): ArmResponse => ({
  status: 404,
  body: { error: { code: "ResourceNotFound", message: `The Resource '${what}' was not found.` } },
});

/** Adds one Premium registry `registryName` in `resourceGroupName` (of the fake's subscription) to `fake`. */
export function addFakeAcr(
  fake: FakeAzure,
  resourceGroupName: string,
  registryName: string,
  options: FakeAcrOptions = {},
): FakeAcr {
  const subscriptionId = fake.subscriptionId;
  const registryId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${registryName}`;
  const tokens = new Map<string, FakeToken>();
  const connectedRegistries = new Map<string, FakeConnectedRegistry>();
  const generated: FakeAcr["generated"] = [];
  const polls = options.polls ?? 0;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const base = `^/subscriptions/${escape(subscriptionId)}/resourceGroups/${escape(resourceGroupName)}/providers/Microsoft\\.ContainerRegistry/registries/${escape(registryName)}`;
  const path = (rest: string) => new RegExp(`${base}${rest}$`, "i");

  const passwordJson = (p: FakePassword, withValue: boolean) => ({
    name: p.name,
    ...(options.omitCreationTime ? {} : { creationTime: p.creationTime }),
    ...(p.expiry === undefined ? {} : { expiry: p.expiry }),
    ...(withValue ? { value: p.value } : {}),
  });
  const tokenJson = (t: FakeToken) => ({
    id: `${registryId}/tokens/${t.name}`,
    name: t.name,
    type: "Microsoft.ContainerRegistry/registries/tokens",
    properties: {
      creationDate: "2026-11-30T10:00:00.0000000Z",
      provisioningState: "Succeeded",
      scopeMapId: t.scopeMapId,
      status: t.status,
      credentials: {
        certificates: [],
        passwords: [...t.passwords.values()]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((p) => passwordJson(p, false)),
      },
    },
  });
  const generate = (token: FakeToken, slot: "password1" | "password2", expiry?: string): FakePassword => {
    const password: FakePassword = {
      name: slot,
      value: crypto.randomBytes(24).toString("base64"),
      creationTime: creationTime(),
      ...(expiry === undefined ? {} : { expiry }),
    };
    token.passwords.set(slot, password);
    generated.push({ token: token.name, slot, value: password.value });
    return password;
  };

  const acr: FakeAcr = {
    resourceGroupName,
    registryName,
    subscriptionId,
    registryId,
    options,
    tokens,
    connectedRegistries,
    generated,
    addToken(name) {
      tokens.set(name.toLowerCase(), {
        name,
        scopeMapId: `${registryId}/scopeMaps/${name}`,
        status: "enabled",
        passwords: new Map(),
      });
      return `${registryId}/tokens/${name}`;
    },
    addConnectedRegistry(name, activationStatus = "Active") {
      connectedRegistries.set(name.toLowerCase(), { name, mode: "ReadOnly", activationStatus });
      return `${registryId}/connectedRegistries/${name}`;
    },
    regenerate(tokenName, slot) {
      const token = tokens.get(tokenName.toLowerCase());
      if (!token) {
        throw new Error(`no token ${tokenName}`);
      }
      return generate(token, slot);
    },
    accepts(tokenName, value) {
      const token = tokens.get(tokenName.toLowerCase());
      return [...(token?.passwords.values() ?? [])].some(
        (p) => p.value === value && (p.expiry === undefined || Date.parse(p.expiry) > Date.now()),
      );
    },
  };

  fake.route("GET", path(""), () => ({
    body: {
      id: registryId,
      name: registryName,
      type: "Microsoft.ContainerRegistry/registries",
      location: "eastus",
      sku: { name: "Premium", tier: "Premium" },
      properties: {
        loginServer: `${registryName.toLowerCase()}.azurecr.io`,
        provisioningState: "Succeeded",
        adminUserEnabled: false,
        dataEndpointEnabled: true,
        dataEndpointHostNames: [`${registryName.toLowerCase()}.eastus.data.azurecr.io`],
      },
    },
  }));

  fake.route("GET", path("/tokens/([^/]+)"), (request: ArmRequest) => {
    const token = tokens.get(String(request.match[1]).toLowerCase());
    return token
      ? { body: tokenJson(token) }
      : notFound(`Microsoft.ContainerRegistry/registries/${registryName}/tokens/${request.match[1]}`);
  });

  fake.route("PATCH", path("/tokens/([^/]+)"), (request: ArmRequest) => {
    const token = tokens.get(String(request.match[1]).toLowerCase());
    if (!token) {
      return notFound(`Microsoft.ContainerRegistry/registries/${registryName}/tokens/${request.match[1]}`);
    }
    const properties = (request.body as { properties?: Record<string, any> } | undefined)?.properties ?? {};
    if (properties.credentials?.passwords !== undefined) {
      const keep = new Set((properties.credentials.passwords as { name: string }[]).map((p) => p.name));
      for (const name of [...token.passwords.keys()]) {
        if (!keep.has(name)) {
          token.passwords.delete(name);
        }
      }
    }
    if (typeof properties.status === "string") {
      token.status = properties.status;
    }
    if (typeof properties.scopeMapId === "string") {
      token.scopeMapId = properties.scopeMapId;
    }
    return fake.lro({ status: 201, initialBody: tokenJson(token), polls, headers: "azure-async-operation" });
  });

  fake.route("POST", path("/generateCredentials"), (request: ArmRequest) => {
    const body = (request.body ?? {}) as { tokenId?: string; name?: string; expiry?: string };
    const tokenName = /\/tokens\/([^/]+)$/i.exec(body.tokenId ?? "")?.[1];
    const token = tokenName === undefined ? undefined : tokens.get(tokenName.toLowerCase());
    if (!token || !body.tokenId?.toLowerCase().startsWith(`${registryId.toLowerCase()}/tokens/`)) {
      return {
        status: 400,
        body: { error: { code: "InvalidTokenId", message: `Token '${body.tokenId}' was not found in registry.` } },
      };
    }
    if (body.name !== undefined && body.name !== "password1" && body.name !== "password2") {
      return {
        status: 400,
        body: { error: { code: "InvalidParameter", message: `Invalid password name '${body.name}'.` } },
      };
    }
    const slots: ("password1" | "password2")[] = body.name ? [body.name] : ["password1", "password2"];
    const passwords = slots.map((slot) => generate(token, slot, body.expiry));
    const result = { username: token.name, passwords: passwords.map((p) => passwordJson(p, true)) };
    return fake.lro({ polls, result: () => result });
  });

  fake.route("GET", path("/connectedRegistries/([^/]+)"), (request: ArmRequest) => {
    const cr = connectedRegistries.get(String(request.match[1]).toLowerCase());
    if (!cr) {
      return notFound(`Microsoft.ContainerRegistry/registries/${registryName}/connectedRegistries/${request.match[1]}`);
    }
    return {
      body: {
        id: `${registryId}/connectedRegistries/${cr.name}`,
        name: cr.name,
        type: "Microsoft.ContainerRegistry/registries/connectedRegistries",
        properties: {
          provisioningState: "Succeeded",
          mode: cr.mode,
          connectionState: cr.activationStatus === "Active" ? "Online" : "Offline",
          activation: { status: cr.activationStatus },
          parent: {
            syncProperties: {
              tokenId: `${registryId}/tokens/${cr.name}`,
              schedule: "* * * * *",
              messageTtl: "P2D",
              gatewayEndpoint: `${registryName.toLowerCase()}.eastus.data.azurecr.io`,
            },
          },
          clientTokenIds: [],
          logging: { logLevel: "Information", auditLogStatus: "Disabled" },
        },
      },
    };
  });

  fake.route("POST", path("/connectedRegistries/([^/]+)/deactivate"), (request: ArmRequest) => {
    const cr = connectedRegistries.get(String(request.match[1]).toLowerCase());
    if (!cr) {
      return notFound(`Microsoft.ContainerRegistry/registries/${registryName}/connectedRegistries/${request.match[1]}`);
    }
    cr.activationStatus = "Inactive";
    return fake.lro({ polls, headers: "location" });
  });

  return acr;
}
