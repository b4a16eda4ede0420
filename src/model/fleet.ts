/**
 * The fleet index: every lookup a check needs, built in one pass over the input so that evaluating a
 * cluster is a handful of map hits. Nothing here is O(clusters × anything): role assignments are
 * grouped by principal, policy assignments by scope, extensions and bindings by their cluster.
 */
import { idKey, managementGroupName, parentKey, roleDefinitionGuid } from "./arm-id.js";
import { BUILTIN_ROLES } from "./builtin-roles.js";
import { arr, isObject, obj, str, strings, type JsonObject } from "./props.js";
import type { RoleDefinition } from "./rbac.js";
import { roleCovers } from "./rbac.js";
import { toRes, TYPES, type Res } from "./resource.js";
import type { CollectionError, Kind } from "./types.js";

export interface FleetInput {
  resources: readonly JsonObject[];
  /** Kinds the input collected (already resolved: declared, or present — see the snapshot reader). */
  collected: ReadonlySet<Kind>;
  errors: readonly CollectionError[];
  /** The snapshot's `collectedAt`; the reference time for time-based checks. */
  collectedAt?: Date | undefined;
  /** The subscriptions the input says it covers; resources of others may be present but are partial. */
  scope?: { subscriptions: readonly string[]; managementGroups: readonly string[] } | undefined;
}

export interface RoleAssignment {
  /** The assignment's id as written. */
  id: string;
  principalId: string; // lower-cased
  scopeKey: string;
  scope: string; // as written
  roleGuid: string;
  condition: string | undefined;
}

/** Lower-cased types the fleet index keeps; objects of other types are ignored (contracts.md §1). */
export const INDEXED_TYPES: ReadonlySet<string> = new Set<string>(Object.values(TYPES));

const EXTENSIONS_MARKER = "/providers/microsoft.kubernetesconfiguration/extensions/";

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export class Fleet {
  readonly clusters: Res[] = [];
  readonly byKey = new Map<string, Res>();
  readonly extensionsByCluster = new Map<string, Res[]>();
  readonly bindingsByCluster = new Map<string, Res[]>();
  readonly instancesByDataSource = new Map<string, Res[]>();
  readonly jobsByInstance = new Map<string, Res[]>();
  readonly jobsByDataSource = new Map<string, Res[]>();
  readonly storageAccountsByName = new Map<string, Res[]>();
  /** principal (lower) → scope key → assignments: a role check is a few map hits per ancestor scope. */
  readonly assignmentsByPrincipal = new Map<string, Map<string, RoleAssignment[]>>();
  /** principal (lower) → its assignments at management-group scopes. */
  readonly managementGroupAssignmentsByPrincipal = new Map<string, RoleAssignment[]>();
  readonly roleDefinitions = new Map<string, RoleDefinition>();
  /** subscription (lower) → management-group names (lower), nearest first; absent = unknown. */
  readonly managementGroups = new Map<string, string[]>();
  readonly subscriptions = new Map<string, Res>();
  /** `${sub}|${namespace}` (lower) → provider registration. */
  readonly providers = new Map<string, Res>();
  readonly policyAssignmentsByScope = new Map<string, Res[]>();
  /** Policy assignments at management-group scopes (needed when a subscription's ancestry is unknown). */
  readonly policyAssignmentsAtManagementGroups: Res[] = [];
  readonly collected: ReadonlySet<Kind>;
  readonly errors: readonly CollectionError[];
  readonly referenceTime: Date;
  readonly referenceTimeFromInput: boolean;
  private readonly failedKinds = new Map<Kind, Set<string> | "all">();
  private readonly failedResources = new Map<Kind, Set<string>>();
  private readonly scopeSubscriptions: ReadonlySet<string> | undefined;
  private readonly coverCache = new Map<string, boolean>();
  private readonly builtinGuids = new Set<string>();

  constructor(input: FleetInput, now: Date = new Date()) {
    this.collected = input.collected;
    this.errors = input.errors;
    this.referenceTime = input.collectedAt ?? now;
    this.referenceTimeFromInput = input.collectedAt !== undefined;
    const subs = input.scope?.subscriptions ?? [];
    this.scopeSubscriptions = subs.length ? new Set(subs.map((x) => x.toLowerCase())) : undefined;
    for (const e of input.errors) {
      const kind = e.kind as Kind;
      if (e.resourceId) {
        const set = this.failedResources.get(kind) ?? new Set<string>();
        set.add(idKey(e.resourceId));
        this.failedResources.set(kind, set);
        continue;
      }
      const prev = this.failedKinds.get(kind);
      if (prev === "all") continue;
      if (!e.subscriptionId) this.failedKinds.set(kind, "all");
      else {
        const set = prev ?? new Set<string>();
        set.add(e.subscriptionId.toLowerCase());
        this.failedKinds.set(kind, set);
      }
    }
    for (const r of BUILTIN_ROLES) {
      this.roleDefinitions.set(r.guid, r);
      this.builtinGuids.add(r.guid);
    }
    for (const raw of input.resources) {
      const t = raw["type"];
      // Only the types a check reads are indexed; the rest of a fleet (VMs, disks, NICs…) costs nothing.
      if (typeof t === "string" && t !== "" && !INDEXED_TYPES.has(t.toLowerCase())) continue;
      if (typeof t === "string" && t.toLowerCase() === TYPES.roleAssignment) this.addAssignment(raw);
      else this.add(toRes(raw));
    }
  }

  private add(r: Res): void {
    this.byKey.set(r.id.key, r);
    const key = r.id.key;
    switch (r.type) {
      case TYPES.cluster:
        this.clusters.push(r);
        break;
      case TYPES.extension: {
        const at = key.indexOf(EXTENSIONS_MARKER);
        if (at > 0) push(this.extensionsByCluster, key.slice(0, at), r);
        break;
      }
      case TYPES.trustedAccessBinding: {
        const p = parentKey(key);
        if (p) push(this.bindingsByCluster, p, r);
        break;
      }
      case TYPES.backupInstance: {
        const ds = str(r.raw, "properties", "dataSourceInfo", "resourceID");
        if (ds) push(this.instancesByDataSource, idKey(ds), r);
        break;
      }
      case TYPES.backupJob: {
        const bi = str(r.raw, "properties", "backupInstanceId");
        const ds = str(r.raw, "properties", "dataSourceId");
        if (bi) push(this.jobsByInstance, idKey(bi), r);
        if (ds) push(this.jobsByDataSource, idKey(ds), r);
        break;
      }
      case TYPES.storageAccount:
        push(this.storageAccountsByName, r.name.toLowerCase(), r);
        break;
      case TYPES.roleDefinition:
        this.addRoleDefinition(r);
        break;
      case TYPES.subscription: {
        const sub = (r.subscriptionId ?? r.id.name).toLowerCase();
        this.subscriptions.set(sub, r);
        const chain = arr(r.raw, "properties", "managementGroupAncestorsChain");
        if (chain) {
          this.managementGroups.set(
            sub,
            chain.map((m) => (isObject(m) ? str(m, "name") : undefined)).filter((n): n is string => !!n).map((n) => n.toLowerCase()),
          );
        }
        break;
      }
      case TYPES.provider: {
        const ns = str(r.raw, "namespace") ?? r.id.name;
        if (r.id.subscriptionId) this.providers.set(`${r.id.subscriptionId.toLowerCase()}|${ns.toLowerCase()}`, r);
        break;
      }
      case TYPES.policyAssignment: {
        const scope = str(r.raw, "properties", "scope") ?? scopeOfChild(r.id.raw, "/providers/Microsoft.Authorization/policyAssignments/");
        push(this.policyAssignmentsByScope, idKey(scope), r);
        if (managementGroupName(idKey(scope))) this.policyAssignmentsAtManagementGroups.push(r);
        break;
      }
      default:
        break;
    }
  }

  private addAssignment(raw: JsonObject): void {
    const props = raw["properties"];
    const principal = str(props, "principalId");
    const def = str(props, "roleDefinitionId");
    if (!principal || !def) return;
    const id = raw["id"] as string;
    const scope = str(props, "scope") ?? scopeOfChild(id, "/providers/Microsoft.Authorization/roleAssignments/");
    const a: RoleAssignment = {
      id,
      principalId: principal.toLowerCase(),
      scope,
      scopeKey: idKey(scope),
      roleGuid: roleDefinitionGuid(def),
      condition: str(props, "condition") || undefined,
    };
    let byScope = this.assignmentsByPrincipal.get(a.principalId);
    if (!byScope) this.assignmentsByPrincipal.set(a.principalId, (byScope = new Map()));
    push(byScope, a.scopeKey, a);
    if (managementGroupName(a.scopeKey) !== undefined) push(this.managementGroupAssignmentsByPrincipal, a.principalId, a);
  }

  private addRoleDefinition(r: Res): void {
    const guid = (str(r.raw, "name") ?? r.id.name).toLowerCase();
    // ARM and Resource Graph nest the fields under `properties`; `az role definition list` and the
    // built-in roles reference print them flat.
    const props = obj(r.raw, "properties") ?? r.raw;
    const perms = arr(props, "permissions");
    if (!perms?.length && this.builtinGuids.has(guid)) return; // an empty copy never replaces a shipped built-in
    const def: RoleDefinition = {
      guid,
      roleName: str(props, "roleName") ?? guid,
      actions: (perms ?? []).flatMap((p) => strings(p, "actions")),
      notActions: (perms ?? []).flatMap((p) => strings(p, "notActions")),
      dataActions: (perms ?? []).flatMap((p) => strings(p, "dataActions")),
      notDataActions: (perms ?? []).flatMap((p) => strings(p, "notDataActions")),
    };
    this.roleDefinitions.set(guid, def);
  }

  /** Was `kind` collected (for this subscription, and this resource, when given)? */
  isCollected(kind: Kind, subscriptionId?: string, resourceKey?: string): boolean {
    if (!this.collected.has(kind)) return false;
    if (resourceKey !== undefined && this.failedResources.get(kind)?.has(resourceKey)) return false;
    const failed = this.failedKinds.get(kind);
    if (failed === undefined) return true;
    if (failed === "all") return false;
    return subscriptionId === undefined ? true : !failed.has(subscriptionId.toLowerCase());
  }

  /** What the collection errors say about a kind, for evidence. */
  collectionErrorFor(kind: Kind, subscriptionId?: string, resourceKey?: string): string | undefined {
    const e = this.errors.find(
      (x) =>
        x.kind === kind &&
        (!x.subscriptionId || !subscriptionId || x.subscriptionId.toLowerCase() === subscriptionId.toLowerCase()) &&
        (!x.resourceId || (resourceKey !== undefined && idKey(x.resourceId) === resourceKey)),
    );
    return e?.message;
  }

  /**
   * Was this subscription inside the audited scope? True when the input states no subscription scope.
   * What the input shows about a subscription outside it may be incomplete: a grant seen there is
   * proof, a grant not seen there is not proof of absence.
   */
  inScope(subscriptionId: string): boolean {
    return this.scopeSubscriptions === undefined || this.scopeSubscriptions.has(subscriptionId.toLowerCase());
  }

  isBuiltinRole(guid: string): boolean {
    return this.builtinGuids.has(guid);
  }

  /** Role G covers role R; cached per pair for this fleet (custom roles are per input). */
  covers(granted: RoleDefinition, required: RoleDefinition): boolean {
    const k = `${granted.guid}|${required.guid}`;
    let v = this.coverCache.get(k);
    if (v === undefined) {
      v = roleCovers(granted, required);
      this.coverCache.set(k, v);
    }
    return v;
  }

  storageAccountsNamed(name: string): Res[] {
    return this.storageAccountsByName.get(name.toLowerCase()) ?? [];
  }

  managementGroupsOf(subscriptionId: string): string[] | undefined {
    return this.managementGroups.get(subscriptionId.toLowerCase());
  }

  static isManagementGroupScope(scopeKey: string): string | undefined {
    return managementGroupName(scopeKey);
  }
}

/** The scope an extension resource (`{scope}/providers/…/{name}`) is attached to. */
function scopeOfChild(id: string, marker: string): string {
  const at = id.toLowerCase().indexOf(marker.toLowerCase());
  return at >= 0 ? id.slice(0, at) || "/" : id;
}
