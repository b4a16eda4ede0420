/**
 * The targeted inventory: everything the checks read about ONE cluster, for an event-driven re-audit,
 * without a fleet scan. The same Resource Graph queries as the fleet collector (queries.ts), each
 * narrowed with extra `| where` filters by id, in hops:
 *
 *   1. the cluster, its extensions, the backup instances and jobs whose data source it is, its
 *      subscription row (management-group ancestry); ARM: its trusted-access bindings and the
 *      `Microsoft.KubernetesConfiguration` registration of its subscription;
 *   2. the backup vaults those instances and bindings name, the storage account the backup extension
 *      names, the virtual networks of its agent pools, the policy assignments over its subscription;
 *   3. the role assignments of the principals found (cluster, extension, vault identities), the NSGs of
 *      its subnets, the policy definitions assigned;
 *   4. the role definitions those assignments use, the members of assigned initiatives.
 *
 * Which principals, vaults and storage accounts matter is decided by the checks' own resolution
 * (ClusterView), so this can never disagree with what a check looks for. Every answer is also filtered
 * here by the same predicate (cheap, and it keeps the result exact even if a filter were ignored).
 * Queries run over the same scope a fleet audit uses (vaults and storage may sit in other subscriptions).
 * The result is a snapshot of contracts.md §1: an audit of it is an ordinary offline audit.
 */
import { ClusterView } from "../../checks/cluster-view.js";
import { idKey, parentKey, parseArmId, roleDefinitionGuid } from "../../model/arm-id.js";
import { Fleet } from "../../model/fleet.js";
import { arr, isObject, str, type JsonObject } from "../../model/props.js";
import { TYPES } from "../../model/resource.js";
import { KINDS, type CollectionError, type Kind } from "../../model/types.js";
import { SNAPSHOT_SCHEMA } from "../snapshot.js";
import type { AzureClients } from "./clients.js";
import { bindingAsRest, type CollectMetrics, type CollectScope, type Snapshot } from "./collector.js";
import { GRAPH_KINDS, graphQuery, type GraphKind } from "./queries.js";
import { ArmReadBuckets, GraphQuotaGate } from "./quota.js";
import { chunk } from "../../model/concurrency.js";
import { queryAllPages } from "./graph-pager.js";
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from "./retry.js";

export interface CollectClusterOptions {
  clients: AzureClients;
  clusterId: string;
  /** The fleet audit's scope: queries run over it, and the snapshot states it (so role checks judge alike). */
  scope?: CollectScope;
  retry?: Partial<RetryPolicy>;
  now?: () => Date;
}

export interface CollectClusterResult {
  /** found: the cluster is in the snapshot; absent: Resource Graph answered and it does not exist; failed: it could not be read. */
  cluster: "found" | "absent" | "failed";
  snapshot: Snapshot;
  metrics: CollectMetrics;
}

const ARM_PROVIDER = "Microsoft.KubernetesConfiguration";
/** Values per `in~ (…)` list: keeps every query short. */
const IN_LIST = 100;

/** A KQL string literal (backslash escapes). */
export function kql(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function kqlList(xs: readonly string[]): string {
  return `(${xs.map(kql).join(", ")})`;
}

function graphKind(kind: GraphKind["kind"]): GraphKind {
  const k = GRAPH_KINDS.find((g) => g.kind === kind);
  if (!k) throw new Error(`no Resource Graph query for ${kind}`);
  return k;
}

const lowerProp = (row: JsonObject, ...keys: string[]): string => (str(row, ...keys) ?? "").toLowerCase();

export async function collectCluster(o: CollectClusterOptions): Promise<CollectClusterResult> {
  const started = Date.now();
  const now = o.now ?? (() => new Date());
  const collectedAt = now().toISOString();
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...o.retry };
  const gate = new GraphQuotaGate();
  const buckets = new ArmReadBuckets();
  const metrics: CollectMetrics = { graphRequests: 0, graphRetries: 0, armCalls: 0, armRetries: 0, throttleWaitMs: 0, clusters: 0, rows: 0, durationMs: 0 };
  const errors: CollectionError[] = [];
  const byId = new Map<string, JsonObject>();
  const cid = parseArmId(o.clusterId);
  const clusterKey = cid.key;
  const sub = cid.subscriptionId ?? "";
  const scopeSubs = [...(o.scope?.subscriptions ?? [])];
  const scopeMgs = [...(o.scope?.managementGroups ?? [])];
  // The Resource Graph scopes to ask: the fleet's subscriptions (in batches), its management groups, or
  // (no scope configured) whatever the identity can see.
  const graphScopes: { subscriptions?: string[]; managementGroups?: string[] }[] = scopeSubs.length
    ? chunk(scopeSubs, 1000).map((b) => ({ subscriptions: b }))
    : scopeMgs.length
      ? scopeMgs.map((m) => ({ managementGroups: [m] }))
      : [{}];

  const onWait = (w: { ms: number }) => {
    metrics.throttleWaitMs += w.ms;
  };

  function keep(row: JsonObject): void {
    byId.set(idKey(row["id"] as string), row);
  }

  // No subscription on these errors: what a targeted query misses may sit in any subscription (a vault,
  // a storage account, a role assignment elsewhere), so the kind is unknown for the whole snapshot.
  function fail(kind: Kind | "clusters", message: string): void {
    errors.push({ kind, message: `targeted ${kind} query for cluster ${cid.name} failed after retries: ${message}` });
  }

  /** Rows of one kind, narrowed by `where` (KQL) and `keepRow` (the same test, here), over every graph scope. */
  async function query(kind: GraphKind["kind"], where: string, keepRow: (row: JsonObject) => boolean, scopes = graphScopes): Promise<JsonObject[] | undefined> {
    const base = graphKind(kind);
    const k: GraphKind = { ...base, where: `${base.where ? `${base.where} ` : ""}${where}` };
    const q = graphQuery(k);
    const rows: JsonObject[] = [];
    for (const scope of scopes) {
      const r = await queryAllPages({ clients: o.clients, gate, retry, metrics, onWait }, scope, q);
      if ("error" in r) {
        fail(kind, r.error);
        return undefined;
      }
      for (const row of r.rows) if (keepRow(row)) rows.push(row);
    }
    metrics.rows += rows.length;
    for (const r of rows) keep(r);
    return rows;
  }

  /** Query by a list of values, in slices of IN_LIST. */
  async function queryIn(kind: GraphKind["kind"], column: string, values: readonly string[], keepRow: (row: JsonObject) => boolean): Promise<void> {
    const distinct = [...new Set(values.map((v) => v.toLowerCase()))];
    for (const part of chunk(distinct, IN_LIST)) await query(kind, `| where ${column} in~ ${kqlList(part)}`, keepRow);
  }

  async function arm<T>(fn: (observe: (h: { get(n: string): string | undefined }) => void) => Promise<T>) {
    return withRetry<T>(
      async () => {
        await buckets.take(sub);
        metrics.armCalls++;
        let seen: { get(n: string): string | undefined } | undefined;
        try {
          const v = await fn((h) => (seen = h));
          buckets.observe(sub, seen);
          return v;
        } catch (e) {
          buckets.observe(sub, (e as { response?: { headers?: { get(n: string): string | undefined } } }).response?.headers);
          throw e;
        }
      },
      {
        ...retry,
        onWait: (w) => {
          metrics.armRetries++;
          onWait(w);
        },
      },
    );
  }

  // ---- hop 1 ------------------------------------------------------------------------------------
  const under = `${clusterKey}/`;
  const [clusterRows] = await Promise.all([
    query("clusters", `| where id =~ ${kql(o.clusterId)}`, (r) => idKey(r["id"] as string) === clusterKey),
    query("extensions", `| where id startswith ${kql(under)}`, (r) => idKey(r["id"] as string).startsWith(under)),
    query("backupInstances", `| where properties.dataSourceInfo.resourceID =~ ${kql(o.clusterId)}`, (r) => idKey(lowerProp(r, "properties", "dataSourceInfo", "resourceID")) === clusterKey),
    query("backupJobs", `| where properties.dataSourceId =~ ${kql(o.clusterId)}`, (r) => idKey(lowerProp(r, "properties", "dataSourceId")) === clusterKey),
    query("subscriptions", `| where subscriptionId =~ ${kql(sub)}`, (r) => lowerProp(r, "subscriptionId") === sub.toLowerCase() || idKey(r["id"] as string) === `/subscriptions/${sub.toLowerCase()}`),
    (async () => {
      const r = await arm((observe) => o.clients.resources(sub).providers.get(ARM_PROVIDER, { onResponse: (raw) => observe(raw.headers) }));
      if (r.ok) {
        const p = r.value as unknown as JsonObject;
        keep({ id: `/subscriptions/${sub}/providers/${ARM_PROVIDER}`, namespace: (p["namespace"] as string) ?? ARM_PROVIDER, registrationState: (p["registrationState"] as string) ?? "" });
      } else {
        errors.push({ kind: "providers", subscriptionId: sub, message: `provider registration of ${ARM_PROVIDER}: ${r.failure.kind}${r.failure.status ? ` (HTTP ${r.failure.status})` : ""}: ${r.failure.message}` });
      }
    })(),
    (async () => {
      const rg = cid.resourceGroup ?? "";
      const r = await arm(async (observe) => {
        const list: JsonObject[] = [];
        for await (const b of o.clients.containers(sub).trustedAccessRoleBindings.list(rg, cid.name, { onResponse: (raw) => observe(raw.headers) })) list.push(b as unknown as JsonObject);
        return list;
      });
      if (r.ok) {
        for (const b of r.value) keep(bindingAsRest(b, o.clusterId));
      } else if (r.failure.kind !== "not_found") {
        errors.push({ kind: "trustedAccessRoleBindings", subscriptionId: sub, resourceId: o.clusterId, message: `trusted-access role bindings of cluster ${cid.name}: ${r.failure.kind}${r.failure.status ? ` (HTTP ${r.failure.status})` : ""}: ${r.failure.message}` });
      }
    })(),
  ]);

  const finish = (cluster: CollectClusterResult["cluster"]): CollectClusterResult => {
    gate.dispose();
    metrics.throttleWaitMs += gate.waitedMs + buckets.waitedMs;
    metrics.durationMs = Date.now() - started;
    metrics.clusters = cluster === "found" ? 1 : 0;
    return {
      cluster,
      snapshot: {
        schema: SNAPSHOT_SCHEMA,
        collectedAt,
        scope: { subscriptions: scopeSubs, managementGroups: scopeMgs },
        collected: [...KINDS],
        errors,
        resources: [...byId.values()],
      },
      metrics,
    };
  };

  const clusterRow = clusterRows?.[0];
  if (!clusterRows) return finish("failed");
  if (!clusterRow) return finish("absent");

  // What the checks resolve from what we have so far decides what to read next.
  const view = (): ClusterView => {
    const fleet = new Fleet({ resources: [...byId.values()], collected: new Set<Kind>(KINDS), errors: [] });
    const res = fleet.byKey.get(clusterKey);
    if (!res) throw new Error("the cluster vanished from its own snapshot");
    return new ClusterView(res, fleet);
  };

  // ---- hop 2 ------------------------------------------------------------------------------------
  const v1 = view();
  const vaultIds = new Set<string>();
  for (const bi of v1.fleet.instancesByDataSource.get(clusterKey) ?? []) {
    const p = parentKey(bi.id.key);
    if (p) vaultIds.add(p);
  }
  for (const b of v1.fleet.bindingsByCluster.get(clusterKey) ?? []) {
    const src = str(b.raw, "properties", "sourceResourceId");
    if (src && /\/providers\/microsoft\.dataprotection\/backupvaults\/[^/]+$/.test(idKey(src))) vaultIds.add(idKey(src));
  }
  const storage = v1.storageSettings();
  const vnetIds = new Set<string>();
  for (const p of arr(clusterRow, "properties", "agentPoolProfiles") ?? []) {
    const s = str(p, "vnetSubnetID");
    const vnet = s ? parentKey(idKey(s)) : undefined;
    if (vnet) vnetIds.add(vnet);
  }
  const mgPrefix = "/providers/microsoft.management/managementgroups/";
  await Promise.all([
    queryIn("backupVaults", "id", [...vaultIds], (r) => vaultIds.has(idKey(r["id"] as string))),
    storage.ok && storage.value.account
      ? query("storageAccounts", `| where name =~ ${kql(storage.value.account)}`, (r) => lowerProp(r, "name") === storage.value.account?.toLowerCase())
      : Promise.resolve(undefined),
    queryIn("virtualNetworks", "id", [...vnetIds], (r) => vnetIds.has(idKey(r["id"] as string))),
    query(
      "policyAssignments",
      `| where subscriptionId =~ ${kql(sub)} or id startswith ${kql(mgPrefix)}`,
      (r) => lowerProp(r, "subscriptionId") === sub.toLowerCase() || idKey(r["id"] as string).startsWith(mgPrefix) || idKey(r["id"] as string).startsWith(`/subscriptions/${sub.toLowerCase()}/`),
    ),
  ]);

  // ---- hop 3 ------------------------------------------------------------------------------------
  const v2 = view();
  const principals = new Set<string>();
  for (const p of [v2.clusterPrincipal(), v2.extensionPrincipal(), v2.vaultPrincipal()]) if (p.ok) principals.add(p.value.principalId.toLowerCase());
  // Every identity of every related vault: the instance may name a user-assigned one.
  for (const key of vaultIds) {
    const vault = v2.fleet.byKey.get(key);
    const identity = vault ? vault.raw["identity"] : undefined;
    const p = str(identity, "principalId");
    if (p) principals.add(p.toLowerCase());
    const uais = isObject(identity) ? identity["userAssignedIdentities"] : undefined;
    if (isObject(uais)) for (const u of Object.values(uais)) if (str(u, "principalId")) principals.add((str(u, "principalId") ?? "").toLowerCase());
  }
  const nsgIds = new Set<string>();
  for (const key of vnetIds) {
    for (const s of arr(v2.fleet.byKey.get(key)?.raw, "properties", "subnets") ?? []) {
      const nsg = str(s, "properties", "networkSecurityGroup", "id");
      if (nsg) nsgIds.add(idKey(nsg));
    }
  }
  const assignedDefinitions = new Set<string>();
  for (const list of v2.fleet.policyAssignmentsByScope.values()) {
    for (const a of list) {
      const d = str(a.raw, "properties", "policyDefinitionId");
      if (d) assignedDefinitions.add(idKey(d));
    }
  }
  const idIn = (r: JsonObject, wanted: Set<string>) => wanted.has(idKey(r["id"] as string));
  await Promise.all([
    queryIn("roleAssignments", "properties.principalId", [...principals], (r) => principals.has(lowerProp(r, "properties", "principalId"))),
    queryIn("networkSecurityGroups", "id", [...nsgIds], (r) => nsgIds.has(idKey(r["id"] as string))),
    queryIn("policyDefinitions", "id", [...assignedDefinitions], (r) => idIn(r, assignedDefinitions)),
  ]);

  // ---- hop 4 ------------------------------------------------------------------------------------
  const roleGuids = new Set<string>();
  const members = new Set<string>();
  for (const r of byId.values()) {
    const t = lowerProp(r, "type");
    if (t === TYPES.roleAssignment) {
      const d = str(r, "properties", "roleDefinitionId");
      if (d) roleGuids.add(roleDefinitionGuid(d));
    } else if (t === TYPES.policySetDefinition) {
      for (const m of arr(r, "properties", "policyDefinitions") ?? []) {
        const id = str(m, "policyDefinitionId");
        if (id && !byId.has(idKey(id))) members.add(idKey(id));
      }
    }
  }
  await Promise.all([
    queryIn("roleDefinitions", "name", [...roleGuids], (r) => roleGuids.has(lowerProp(r, "name"))),
    queryIn("policyDefinitions", "id", [...members], (r) => idIn(r, members)),
  ]);

  return finish("found");
}
