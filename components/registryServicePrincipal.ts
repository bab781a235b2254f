import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { v5 as uuidv5 } from "uuid";
import { parseRegistryId, registryIdProblem } from "./lib/armId";
import { inputError, oneOf, validateKnown, validateWhenKnown } from "./lib/validation";
import { mapInput } from "./lib/inputs";

/** The built-in ACR role granted on the registry. */
export enum AcrRole {
  /** Pull only (`az ad sp create-for-rbac --role acrpull`). */
  AcrPull = "AcrPull",
  /** Push and pull. */
  AcrPush = "AcrPush",
  /** Push, pull and assign roles. */
  Owner = "Owner",
}

/** The role definition GUIDs of the built-in roles (the same in every Azure tenant). */
const acrRoleDefinitionGuids: { readonly [role in AcrRole]: string } = {
  [AcrRole.AcrPull]: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  [AcrRole.AcrPush]: "8311e382-0749-4cb8-b61a-304f252e45ec",
  [AcrRole.Owner]: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
};

/** The UUID v5 namespace of role assignment names created by this package. */
const roleAssignmentNamespace = "3d6c1a52-8f0e-4b7a-9c2d-5e4f6a7b8c9d";

/** The arguments of {@link RegistryServicePrincipal}. */
export interface RegistryServicePrincipalArgs {
  /** The registry's ARM id (`ContainerRegistry.registryId`): the role assignment's scope. Required. */
  readonly registryId: pulumi.Input<string>;
  /** The role granted on the registry. Default `AcrPull`. */
  readonly role?: pulumi.Input<AcrRole>;
  /**
   * Object id of an existing service principal (or managed identity) to grant the role to. Then only the
   * role assignment is created: no application, no password (`clientId` and `password` are `""`).
   * Conflicts with `displayName`, `passwordEndDate`, `passwordValidityHours` and `rotationTrigger`. Default: none.
   */
  readonly existingPrincipalId?: pulumi.Input<string>;
  /** Display name of the Entra application. Default `<project>-<stack>-<name>`. */
  readonly displayName?: pulumi.Input<string>;
  /**
   * Absolute expiry of the password, RFC 3339 (`2027-01-31T00:00:00Z`), in the future; changing it replaces the
   * password.
   * Conflicts with `passwordValidityHours`. Default: none (see `passwordValidityHours`).
   */
  readonly passwordEndDate?: pulumi.Input<string>;
  /**
   * Validity of the password in hours, counted by Entra from its creation (so the input stays the same on
   * every run). Conflicts with `passwordEndDate`. Default `8760` (one year).
   */
  readonly passwordValidityHours?: pulumi.Input<number>;
  /** Any value; changing it replaces the password (rotation). Update pull secrets afterwards. Default: none. */
  readonly rotationTrigger?: pulumi.Input<string>;
}

/**
 * A Microsoft Entra application, service principal and password with an ACR role on one registry
 * (`az ad sp create-for-rbac --scopes <registryId> --role acrpull`), or only the role assignment for an
 * existing principal. The role assignment name is a UUID v5 of scope, principal and role, so re-runs and
 * re-imports never create a second assignment.
 */
export class RegistryServicePrincipal extends pulumi.ComponentResource {
  /** The application (client) id: the user name of `docker login` and of the pull secret. `""` for an existing principal. */
  public readonly clientId: pulumi.Output<string>;
  /**
   * The password (secret): the password of `docker login` and of the pull secret. `""` for an existing principal.
   * @secret
   */
  public readonly password: pulumi.Output<string>;
  /** The object id of the service principal that holds the role. */
  public readonly principalId: pulumi.Output<string>;

  constructor(name: string, args: RegistryServicePrincipalArgs, opts?: pulumi.ComponentResourceOptions) {
    super("edge-registry:index:RegistryServicePrincipal", name, {}, opts);

    const registryId = validateWhenKnown("registryId", args.registryId, registryIdProblem);
    const role = validateWhenKnown(
      "role",
      args.role ?? AcrRole.AcrPull,
      oneOf(Object.values(AcrRole)),
    ) as pulumi.Input<AcrRole>;
    validateKnown("passwordEndDate", args.passwordEndDate, endDateProblem);
    validateKnown("passwordValidityHours", args.passwordValidityHours, (h) =>
      Number.isInteger(h) && h > 0 ? undefined : "must be a whole number of hours > 0 (8760 is one year).",
    );
    if (args.passwordEndDate !== undefined && args.passwordValidityHours !== undefined) {
      throw inputError("passwordValidityHours", "cannot be combined with passwordEndDate; set one of them.");
    }

    let principalId: pulumi.Output<string>;
    if (args.existingPrincipalId !== undefined) {
      const conflicts = {
        displayName: args.displayName,
        passwordEndDate: args.passwordEndDate,
        passwordValidityHours: args.passwordValidityHours,
        rotationTrigger: args.rotationTrigger,
      };
      for (const [arg, value] of Object.entries(conflicts)) {
        if (value !== undefined) {
          throw inputError(arg, "cannot be combined with existingPrincipalId (no application or password is created).");
        }
      }
      principalId = pulumi.output(validateWhenKnown("existingPrincipalId", args.existingPrincipalId, guidProblem));
      this.clientId = pulumi.output("");
      this.password = pulumi.secret("");
    } else {
      const azuread = loadAzureAd();
      const owners = [azuread.getClientConfigOutput({ parent: this }).objectId];
      const application = new azuread.Application(
        name,
        { displayName: args.displayName ?? `${pulumi.getProject()}-${pulumi.getStack()}-${name}`, owners },
        { parent: this },
      );
      const servicePrincipal = new azuread.ServicePrincipal(
        name,
        { clientId: application.clientId, owners },
        { parent: this },
      );
      const password = new azuread.ApplicationPassword(
        name,
        {
          applicationId: application.id,
          displayName: "edge-registry pull",
          endDate: args.passwordEndDate,
          // Relative to the creation time (evaluated by the provider), so the input is stable across runs.
          endDateRelative:
            args.passwordEndDate === undefined
              ? pulumi.output(args.passwordValidityHours ?? 8760).apply((h) => `${h}h`)
              : undefined,
          rotateWhenChanged: args.rotationTrigger === undefined ? undefined : { rotationTrigger: args.rotationTrigger },
        },
        { parent: this },
      );
      principalId = servicePrincipal.objectId;
      this.clientId = application.clientId;
      this.password = pulumi.secret(password.value);
    }

    const subscriptionId = pulumi.output(registryId).apply((id) => parseRegistryId(id)!.subscriptionId);
    new authorization.RoleAssignment(
      name,
      {
        scope: registryId,
        principalId,
        principalType: authorization.PrincipalType.ServicePrincipal,
        roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${mapInput(role, (r) => acrRoleDefinitionGuids[r])}`,
        roleAssignmentName: pulumi
          .all([registryId, principalId, role])
          .apply(([scope, principal, r]) => roleAssignmentName(scope, principal, r)),
      },
      { parent: this },
    );

    this.principalId = principalId;
    this.registerOutputs();
  }
}

/** The deterministic role assignment name: UUID v5 of the (lowercased) scope, the principal and the role GUID. */
function roleAssignmentName(scope: string, principalId: string, role: AcrRole): string {
  return uuidv5(
    `${scope.toLowerCase()}|${principalId.toLowerCase()}|${acrRoleDefinitionGuids[role]}`,
    roleAssignmentNamespace,
  );
}

function endDateProblem(date: string): string | undefined {
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  if (!rfc3339.test(date) || Number.isNaN(Date.parse(date))) {
    return `"${date}" is not an RFC 3339 date-time; use e.g. 2027-01-31T00:00:00Z.`;
  }
  // Entra refuses a credential that has already expired, and a password ending now would break pulls at once.
  return Date.parse(date) <= Date.now()
    ? `${date} is in the past (now is ${new Date().toISOString()}); set a future end date, or use passwordValidityHours (e.g. 8760 for a year from creation).`
    : undefined;
}

function guidProblem(id: string): string | undefined {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id)
    ? undefined
    : `"${id}" is not an object id (a GUID); use the service principal's object id (az ad sp show --id <appId> --query id).`;
}

/**
 * `@pulumi/azuread`, loaded only when a service principal is created: importing the package (every other
 * component, an existing principal) must not load the Entra provider SDK.
 */
function loadAzureAd(): typeof import("@pulumi/azuread") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@pulumi/azuread") as typeof import("@pulumi/azuread");
}
