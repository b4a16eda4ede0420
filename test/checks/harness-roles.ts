/**
 * Helpers for the role checks (AKSBK-022…028) and the vault/instance/job checks (020/021/030/031),
 * beside harness.ts: role assignments in Resource Graph's shape and at management groups, custom role
 * definitions, Microsoft's example payloads re-homed into the harness's subscription, and the exact
 * remediation command a role check prints.
 */
import { readFileSync } from "node:fs";
import { isObject, type JsonObject } from "../../src/model/props.js";
import { KINDS, type Kind } from "../../src/model/types.js";
import { SUB, assignment } from "./harness.js";

let counter = 0;
const nextGuid = (): string => `a0000000-0000-0000-0000-${(++counter).toString(16).padStart(12, "0")}`;

/**
 * A role assignment as Resource Graph's `authorizationresources` returns it: lower-cased `type` and id
 * segments, `resourcegroups` lower-cased in `scope`, `subscriptionId`/`resourceGroup` columns, and
 * `condition: null`.
 */
export function graphAssignment(principalId: string, roleGuid: string, scope: string, condition: string | null = null): JsonObject {
  const guid = nextGuid();
  const lowerScope = scope.toLowerCase();
  const rg = /\/resourcegroups\/([^/]+)/i.exec(scope)?.[1] ?? "";
  return {
    id: `${lowerScope}/providers/microsoft.authorization/roleassignments/${guid}`,
    name: guid,
    type: "microsoft.authorization/roleassignments",
    tenantId: "72f988bf-0000-0000-0000-000000000000",
    kind: "",
    location: "",
    resourceGroup: rg.toLowerCase(),
    subscriptionId: SUB,
    properties: {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
      principalId,
      principalType: "ServicePrincipal",
      scope: lowerScope,
      condition,
      conditionVersion: condition === null ? null : "2.0",
      createdOn: "2026-01-12T09:30:00.0000000Z",
      updatedOn: "2026-01-12T09:30:00.0000000Z",
      createdBy: "00000000-0000-0000-0000-00000000cafe",
      updatedBy: "00000000-0000-0000-0000-00000000cafe",
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
  };
}

export const mgScope = (name: string): string => `/providers/Microsoft.Management/managementGroups/${name}`;

/** An ARM-shaped assignment at a management group. */
export function mgAssignment(principalId: string, roleGuid: string, mg: string): JsonObject {
  return assignment(principalId, roleGuid, mgScope(mg));
}

export interface Permissions {
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

/** An ARM-shaped custom role definition (GET /subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}). */
export function customRole(guid: string, roleName: string, ...blocks: Permissions[]): JsonObject {
  return {
    id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    name: guid,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName,
      type: "CustomRole",
      description: `${roleName} (test)`,
      assignableScopes: [`/subscriptions/${SUB}`],
      permissions: blocks.map((b) => ({
        actions: b.actions ?? [],
        notActions: b.notActions ?? [],
        dataActions: b.dataActions ?? [],
        notDataActions: b.notDataActions ?? [],
      })),
    },
  };
}

/** The exact command a failing role check prints. */
export function roleCommand(principalId: string, roleName: string, scope: string): string {
  return `az role assignment create --assignee-object-id ${principalId} --assignee-principal-type ServicePrincipal --role "${roleName}" --scope ${scope}`;
}

/**
 * A file of ../shared/azure-examples, parsed after replacing sample strings (ids, names) in its text —
 * so the payload keeps Microsoft's exact shape but lives in the harness's subscription.
 */
export function exampleWith(rel: string, replacements: Record<string, string> = {}): JsonObject {
  let text = readFileSync(new URL(`../../../shared/azure-examples/${rel}`, import.meta.url), "utf8");
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  const v = JSON.parse(text) as unknown;
  if (!isObject(v)) throw new Error(`${rel} is not a JSON object`);
  return v;
}

/** `responses[code].body` of a re-homed example. */
export function exampleBodyWith(rel: string, replacements: Record<string, string> = {}, code = "200"): JsonObject {
  const responses = exampleWith(rel, replacements)["responses"];
  const body = isObject(responses) && isObject(responses[code]) ? (responses[code] as JsonObject)["body"] : undefined;
  if (!isObject(body)) throw new Error(`${rel}: no responses.${code}.body`);
  return body;
}

/** The `value[]` items of a list example's body. */
export function exampleList(rel: string, replacements: Record<string, string> = {}): JsonObject[] {
  const value = exampleBodyWith(rel, replacements)["value"];
  if (!Array.isArray(value)) throw new Error(`${rel}: no value[]`);
  return value.filter(isObject);
}

export interface RoleRef {
  guid: string;
  name: string;
}

/** What the standard role-check table needs to know about one check. */
export interface RoleCheckSpec {
  /** Who must hold the role, and how the evidence names them. */
  principal: string;
  principalLabel: string;
  role: RoleRef;
  /** The scope the check targets, exactly as the check prints it. */
  target: string;
  /** The target's resource group id, when the target is a resource below one. */
  resourceGroup?: string;
  subscriptionId: string;
  /** A sibling scope whose id starts with the target's id (`rg-aks-snap` vs `rg-aks-snapshots`). */
  prefixSibling: string;
  /** A scope below the target (an assignment there does not reach up). */
  child: string;
  /** Everything the check needs except any role assignment. */
  base: () => JsonObject[];
  /** `warn` for the low-severity AKSBK-028. */
  failStatus: "fail" | "warn";
  /** Built-in roles that grant everything `role` grants. */
  supersets: RoleRef[];
  /** Built-in roles that do not (with why, for the case name). */
  notCovering: (RoleRef & { why: string })[];
  /** A custom role (input definition) that covers `role`, and one that does not. */
  customCovering: Permissions;
  customNotCovering: Permissions;
}

/** Structural view of harness-extra's `Case`, so this module does not import it (kept dependency-light). */
export interface RoleCase {
  name: string;
  resources: readonly JsonObject[];
  options?: { collected?: readonly Kind[]; errors?: { kind: string; subscriptionId?: string; resourceId?: string; message: string }[] };
  status: "pass" | "fail" | "warn" | "unknown" | "not_applicable";
  evidence?: readonly (string | RegExp)[];
  notEvidence?: readonly string[];
  remediation?: readonly (string | RegExp)[];
}

const CUSTOM_COVERING_GUID = "c0c0c0c0-1111-4111-8111-000000000001";
const CUSTOM_NOT_COVERING_GUID = "c0c0c0c0-1111-4111-8111-000000000002";
const UNKNOWN_GUID = "deadbeef-0000-4000-8000-00000000beef";
const OTHER_PRINCIPAL = "0f0f0f0f-0000-0000-0000-00000000f0f0";
const MG = "mg-landing-zones";

/**
 * The cases every role check shares (checks.md, "Has role R on scope T"): exact scope, inheritance by whole
 * segments up to management groups, coverage by other roles (built-in and custom), and the unknowns.
 */
export function standardRoleCases(s: RoleCheckSpec): RoleCase[] {
  const { principal: P, role, target: T } = s;
  const cmd = roleCommand(P, role.name, T);
  const subScope = `/subscriptions/${s.subscriptionId}`;
  const withChain = (chain: string[] | undefined) => {
    const properties: JsonObject = { state: "Enabled" };
    if (chain) properties["managementGroupAncestorsChain"] = chain.map((name) => ({ name, displayName: `MG ${name}` }));
    return { id: subScope, name: "Prod", type: "microsoft.resources/subscriptions", subscriptionId: s.subscriptionId, properties };
  };
  const missing = `has no role assignment granting ${role.name} on`;
  const cases: RoleCase[] = [
    {
      name: "no assignment at all: missing, with the exact az role assignment command",
      resources: s.base(),
      status: s.failStatus,
      evidence: [P, T, missing, s.principalLabel],
      remediation: [cmd],
    },
    {
      name: `${role.name} at exactly the target scope (ARM shape) passes`,
      resources: [...s.base(), assignment(P, role.guid, T)],
      status: "pass",
      evidence: [P, T, `has ${role.name} on`, s.principalLabel],
      notEvidence: ["inherited", "through", "ABAC"],
    },
    {
      name: `${role.name} at the target scope in Resource Graph's shape (lower-cased type, id and scope, condition null) passes`,
      resources: [...s.base(), graphAssignment(P, role.guid, T)],
      status: "pass",
      evidence: [`has ${role.name} on`],
      notEvidence: ["inherited", "ABAC"],
    },
    {
      name: "the assignment's scope with another casing and a trailing slash still matches",
      resources: [...s.base(), assignment(P, role.guid, `${T.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/")}/`)],
      status: "pass",
      evidence: [`has ${role.name} on`],
    },
    {
      name: "the principal id in another casing still matches",
      resources: [...s.base(), assignment(P.toUpperCase(), role.guid, T)],
      status: "pass",
    },
    {
      name: "inherited from the subscription passes",
      resources: [...s.base(), assignment(P, role.guid, subScope)],
      status: "pass",
      evidence: [`inherited from ${subScope}`],
    },
    {
      name: "inherited from the root scope / passes",
      resources: [...s.base(), assignment(P, role.guid, "/")],
      status: "pass",
      evidence: ["inherited from /"],
    },
    {
      name: "inherited from a management group in the subscription's managementGroupAncestorsChain passes",
      resources: [...s.base(), withChain([MG, "tenant-root"]), mgAssignment(P, role.guid, MG)],
      status: "pass",
      evidence: [`inherited from ${mgScope(MG)}`],
    },
    {
      name: "a management group that is not in the subscription's chain does not count",
      resources: [...s.base(), withChain(["mg-other", "tenant-root"]), mgAssignment(P, role.guid, MG)],
      status: s.failStatus,
      evidence: [missing],
      remediation: [cmd],
    },
    {
      name: "a management-group assignment while the subscription's ancestry is not in the input is unknown",
      resources: [...s.base(), mgAssignment(P, role.guid, MG)],
      status: "unknown",
      evidence: [`management group ${MG.toLowerCase()}`, "ancestry", s.subscriptionId],
    },
    {
      name: "a subscription object without managementGroupAncestorsChain leaves the ancestry unknown",
      resources: [...s.base(), withChain(undefined), mgAssignment(P, role.guid, MG)],
      status: "unknown",
      evidence: ["ancestry"],
    },
    ...s.supersets.map(
      (g): RoleCase => ({
        name: `${g.name} covers ${role.name}: passes`,
        resources: [...s.base(), assignment(P, g.guid, T)],
        status: "pass",
        evidence: [`through "${g.name}"`, `has ${role.name} on`],
      }),
    ),
    ...s.notCovering.map(
      (g): RoleCase => ({
        name: `${g.name} does not cover ${role.name} (${g.why}): missing`,
        resources: [...s.base(), assignment(P, g.guid, T)],
        status: s.failStatus,
        evidence: [missing, `"${g.name}" at ${T}`],
        remediation: [cmd],
      }),
    ),
    {
      name: "a custom role from the input that covers it (wildcards) passes",
      resources: [...s.base(), customRole(CUSTOM_COVERING_GUID, "Backup Custom Covering", s.customCovering), assignment(P, CUSTOM_COVERING_GUID, T)],
      status: "pass",
      evidence: ['through "Backup Custom Covering"'],
    },
    {
      name: "a custom role from the input that does not cover it (notActions / missing actions) is missing, not unknown",
      resources: [...s.base(), customRole(CUSTOM_NOT_COVERING_GUID, "Backup Custom Lacking", s.customNotCovering), assignment(P, CUSTOM_NOT_COVERING_GUID, T)],
      status: s.failStatus,
      evidence: [missing, `"Backup Custom Lacking" at ${T}`],
      remediation: [cmd],
    },
    {
      name: "a role definition GUID that is neither shipped nor in the input is unknown",
      resources: [...s.base(), assignment(P, UNKNOWN_GUID, T)],
      status: "unknown",
      evidence: [UNKNOWN_GUID, "neither a built-in role the auditor ships nor in the input"],
    },
    {
      name: "an unknown role definition inherited from the subscription is unknown too",
      resources: [...s.base(), assignment(P, UNKNOWN_GUID, subScope)],
      status: "unknown",
      evidence: [UNKNOWN_GUID],
    },
    {
      name: "an unknown role definition on an unrelated (sibling) scope does not make it unknown",
      resources: [...s.base(), assignment(P, UNKNOWN_GUID, s.prefixSibling)],
      status: s.failStatus,
      evidence: [missing],
      remediation: [cmd],
    },
    {
      name: `${role.name} on a prefix-named sibling scope (${s.prefixSibling.split("/").pop() ?? ""}) does not count`,
      resources: [...s.base(), assignment(P, role.guid, s.prefixSibling)],
      status: s.failStatus,
      evidence: [missing],
      notEvidence: [`at ${s.prefixSibling}`, "grant less"],
      remediation: [cmd],
    },
    {
      name: `${role.name} on a scope below the target does not reach up`,
      resources: [...s.base(), assignment(P, role.guid, s.child)],
      status: s.failStatus,
      evidence: [missing],
      remediation: [cmd],
    },
    {
      name: `${role.name} assigned to another principal does not count`,
      resources: [...s.base(), assignment(OTHER_PRINCIPAL, role.guid, T)],
      status: s.failStatus,
      evidence: [missing],
      notEvidence: [OTHER_PRINCIPAL, "grant less"],
      remediation: [cmd],
    },
    {
      name: "role assignments not collected is unknown",
      resources: [...s.base(), assignment(P, role.guid, T)],
      options: { collected: KINDS.filter((k) => k !== "roleAssignments") },
      status: "unknown",
      evidence: ["role assignments were not collected"],
    },
    {
      name: "a roleAssignments collection error for the target's subscription is unknown, quoting it",
      resources: s.base(),
      options: { errors: [{ kind: "roleAssignments", subscriptionId: s.subscriptionId.toUpperCase(), message: "AuthorizationFailed: no Microsoft.Authorization/roleAssignments/read" }] },
      status: "unknown",
      evidence: ["role assignments were not collected", "AuthorizationFailed"],
    },
    {
      name: "a roleAssignments collection error for another subscription does not matter",
      resources: [...s.base(), assignment(P, role.guid, T)],
      options: { errors: [{ kind: "roleAssignments", subscriptionId: "00000000-dead-beef-0000-000000000000", message: "AuthorizationFailed" }] },
      status: "pass",
    },
    {
      name: "an assignment with an ABAC condition passes, saying the condition is not evaluated",
      resources: [...s.base(), graphAssignment(P, role.guid, T, "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'aks-backups'")],
      status: "pass",
      evidence: ["ABAC condition", "does not evaluate", "StringEquals 'aks-backups'"],
    },
  ];
  if (s.resourceGroup) {
    cases.push({
      name: "inherited from the resource group passes",
      resources: [...s.base(), assignment(P, role.guid, s.resourceGroup)],
      status: "pass",
      evidence: [`inherited from ${s.resourceGroup}`],
    });
    cases.push({
      name: "inherited from the resource group in Resource Graph's shape (resourcegroups lower-cased) passes",
      resources: [...s.base(), graphAssignment(P, role.guid, s.resourceGroup)],
      status: "pass",
      evidence: ["inherited from /subscriptions/", "/resourcegroups/"],
    });
  }
  return cases;
}
