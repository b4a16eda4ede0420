/** A resource from the input, with its id parsed and its type normalised once. */
import { parseArmId, type ArmId } from "./arm-id.js";
import { str, type JsonObject } from "./props.js";
import type { Kind } from "./types.js";

export interface Res {
  readonly id: ArmId;
  /** Lower-cased ARM type; `provider` for a resource-provider registration (which has no `type`). */
  readonly type: string;
  readonly raw: JsonObject;
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;
  readonly name: string;
  readonly location: string | undefined;
}

export const TYPES = {
  cluster: "microsoft.containerservice/managedclusters",
  trustedAccessBinding: "microsoft.containerservice/managedclusters/trustedaccessrolebindings",
  extension: "microsoft.kubernetesconfiguration/extensions",
  vault: "microsoft.dataprotection/backupvaults",
  backupInstance: "microsoft.dataprotection/backupvaults/backupinstances",
  backupJob: "microsoft.dataprotection/backupvaults/backupjobs",
  storageAccount: "microsoft.storage/storageaccounts",
  subscription: "microsoft.resources/subscriptions",
  resourceGroup: "microsoft.resources/subscriptions/resourcegroups",
  roleAssignment: "microsoft.authorization/roleassignments",
  roleDefinition: "microsoft.authorization/roledefinitions",
  policyAssignment: "microsoft.authorization/policyassignments",
  policyDefinition: "microsoft.authorization/policydefinitions",
  policySetDefinition: "microsoft.authorization/policysetdefinitions",
  virtualNetwork: "microsoft.network/virtualnetworks",
  nsg: "microsoft.network/networksecuritygroups",
  provider: "provider",
} as const;

const KIND_OF_TYPE: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  [TYPES.extension, "extensions"],
  [TYPES.trustedAccessBinding, "trustedAccessRoleBindings"],
  [TYPES.roleAssignment, "roleAssignments"],
  [TYPES.roleDefinition, "roleDefinitions"],
  [TYPES.vault, "backupVaults"],
  [TYPES.backupInstance, "backupInstances"],
  [TYPES.backupJob, "backupJobs"],
  [TYPES.provider, "providers"],
  [TYPES.storageAccount, "storageAccounts"],
  [TYPES.subscription, "subscriptions"],
  [TYPES.policyAssignment, "policyAssignments"],
  [TYPES.policyDefinition, "policyDefinitions"],
  [TYPES.policySetDefinition, "policyDefinitions"],
  [TYPES.virtualNetwork, "virtualNetworks"],
  [TYPES.nsg, "networkSecurityGroups"],
]);

export function kindOfType(type: string): Kind | undefined {
  return KIND_OF_TYPE.get(type);
}

/** `/subscriptions/{sub}/providers/{Namespace}` — the ARM GET of a provider registration. */
function isProviderRegistrationId(segments: readonly string[]): boolean {
  return segments.length === 4 && segments[0] === "subscriptions" && segments[2] === "providers";
}

/** The lower-cased type of an input object, without parsing its id unless it has no type. */
export function typeOf(raw: JsonObject): string {
  const t = raw["type"];
  if (typeof t === "string" && t !== "") return t.toLowerCase();
  return toRes(raw).type;
}

/** Normalise one input object. The object must already have a string `id` (checked at the edge). */
export function toRes(raw: JsonObject): Res {
  const id = parseArmId(raw["id"] as string);
  let type = str(raw, "type")?.toLowerCase();
  if (type === undefined || type === "") {
    type = isProviderRegistrationId(id.segments) ? TYPES.provider : "";
  }
  return {
    id,
    type,
    raw,
    subscriptionId: str(raw, "subscriptionId") ?? id.subscriptionId,
    resourceGroup: str(raw, "resourceGroup") ?? id.resourceGroup,
    name: str(raw, "name") ?? id.name,
    location: str(raw, "location"),
  };
}
