/**
 * "Principal P has role R on scope T" (checks.md, Resolution) — shared by the role checks
 * AKSBK-022…028. Looks only at P's own assignments (grouped by principal in the fleet index), so a
 * check costs O(assignments of P), never O(all assignments).
 */
import { ancestorKeys, managementGroupName } from "../model/arm-id.js";
import type { RoleAssignment } from "../model/fleet.js";
import type { RoleDefinition } from "../model/rbac.js";
import { fail, pass, unknown, type Outcome } from "./define-check.js";
import { shellArg, type ClusterView, type Found, type Principal, type Scope } from "./cluster-view.js";

export const ROLE = {
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  storageAccountContributor: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
  diskSnapshotContributor: "7efff54f-a5b4-42b5-a1c5-5411624893ce",
  dataOperatorForManagedDisks: "959f8984-c045-4866-89c7-12bf9737be2e",
} as const;

export type RoleDecision =
  | { kind: "granted"; via: RoleAssignment; definition: RoleDefinition; inherited: boolean }
  | { kind: "missing"; seen: RoleAssignment[] }
  | { kind: "unknown"; why: string };

/** Decide whether `principalId` holds `required` on `target`. */
export function decideRole(view: ClusterView, principalId: string, required: RoleDefinition, target: Scope): RoleDecision {
  const fleet = view.fleet;
  if (!fleet.isCollected("roleAssignments", target.subscriptionId)) {
    const err = fleet.collectionErrorFor("roleAssignments", target.subscriptionId);
    return { kind: "unknown", why: `role assignments were not collected${err ? ` (${err})` : ""}` };
  }
  const principal = principalId.toLowerCase();
  const byScope = fleet.assignmentsByPrincipal.get(principal);
  const chain = fleet.managementGroupsOf(target.subscriptionId);
  // Candidates: P's assignments at the target and each ancestor scope (map hits, no scan), then at
  // management groups — certain when the subscription's ancestry is known, possible when it is not.
  const candidates: { a: RoleAssignment; certain: boolean }[] = [];
  if (byScope) {
    for (const k of ancestorKeys(target.key)) for (const a of byScope.get(k) ?? []) candidates.push({ a, certain: true });
  }
  for (const a of fleet.managementGroupAssignmentsByPrincipal.get(principal) ?? []) {
    const mg = managementGroupName(a.scopeKey) ?? "";
    if (chain === undefined) candidates.push({ a, certain: false });
    else if (chain.includes(mg)) candidates.push({ a, certain: true });
  }
  let granted: { a: RoleAssignment; d: RoleDefinition } | undefined;
  const maybe: string[] = [];
  const seen: RoleAssignment[] = [];
  for (const { a, certain } of candidates) {
    seen.push(a);
    const def = fleet.roleDefinitions.get(a.roleGuid);
    if (!def) {
      maybe.push(`an assignment of role definition ${a.roleGuid} at ${a.scope}, which is neither a built-in role the auditor ships nor in the input`);
      continue;
    }
    if (!fleet.covers(def, required)) continue;
    if (!certain) {
      maybe.push(`"${def.roleName}" assigned at management group ${managementGroupName(a.scopeKey) ?? a.scope}, whose ancestry of subscription ${target.subscriptionId} is not in the input`);
      continue;
    }
    // Prefer the most specific scope, then an assignment of R itself.
    if (!granted || a.scopeKey.length > granted.a.scopeKey.length || (a.scopeKey === granted.a.scopeKey && a.roleGuid === required.guid)) {
      granted = { a, d: def };
    }
  }
  if (granted) return { kind: "granted", via: granted.a, definition: granted.d, inherited: granted.a.scopeKey !== target.key };
  if (maybe.length) return { kind: "unknown", why: `no assignment is known to grant it, but it may come from ${maybe.join("; ")}` };
  if (!fleet.inScope(target.subscriptionId)) {
    return { kind: "unknown", why: `no assignment that grants it is in the input, but subscription ${target.subscriptionId} was not in the audited scope, so its role assignments may be incomplete` };
  }
  return { kind: "missing", seen };
}

/**
 * The role name goes in double quotes, as checks.md and Microsoft's docs write it (and as cmd.exe and
 * PowerShell accept it too); ids are quoted only when they need it — a resource group may be named
 * `rg(prod)`, which an unquoted POSIX shell would reject.
 */
export function roleAssignCommand(principal: Principal, roleName: string, scope: Scope): string {
  const role = /^[^"$`\\!]*$/.test(roleName) ? `"${roleName}"` : shellArg(roleName);
  return `az role assignment create --assignee-object-id ${shellArg(principal.principalId)} --assignee-principal-type ServicePrincipal --role ${role} --scope ${shellArg(scope.id)}`;
}

/** The whole evaluate() of a role check. */
export function evaluateRole(view: ClusterView, principal: Found<Principal>, roleGuid: string, target: Found<Scope>): Outcome {
  if (!principal.ok) return unknown(principal.missing);
  if (!target.ok) return unknown(target.missing);
  const required = view.fleet.roleDefinitions.get(roleGuid);
  if (!required) throw new Error(`built-in role ${roleGuid} is not shipped`);
  const p = principal.value;
  const t = target.value;
  const who = `${p.label} (principal ${p.principalId})`;
  const d = decideRole(view, p.principalId, required, t);
  switch (d.kind) {
    case "granted": {
      const through = d.definition.guid === required.guid ? "" : ` through "${d.definition.roleName}"`;
      const where = d.inherited ? ` (inherited from ${d.via.scope})` : "";
      const cond = d.via.condition ? `; the assignment has an ABAC condition, which the auditor does not evaluate: ${d.via.condition}` : "";
      return pass(`${who} has ${required.roleName} on ${t.label} ${t.id}${through}${where}${cond}`);
    }
    case "unknown":
      return unknown(`${who} on ${t.label} ${t.id}: ${d.why}`);
    case "missing": {
      const others = d.seen.length
        ? `; its assignments that apply there grant less: ${d.seen
            .slice(0, 5)
            .map((a) => `"${view.fleet.roleDefinitions.get(a.roleGuid)?.roleName ?? a.roleGuid}" at ${a.scope}`)
            .join(", ")}${d.seen.length > 5 ? ` and ${d.seen.length - 5} more` : ""}`
        : "";
      return fail(
        `${who} has no role assignment granting ${required.roleName} on ${t.label} ${t.id} or any scope above it${others} (group membership and deny assignments are not evaluated)`,
        roleAssignCommand(p, required.roleName, t),
      );
    }
  }
}
