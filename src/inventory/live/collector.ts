/**
 * The live inventory: Resource Graph for everything it has, ARM for the two things it lacks (provider
 * registration per subscription, trusted-access bindings per cluster). Produces the snapshot of
 * contracts.md §1, so a live audit can be replayed offline.
 *
 * Never a silent gap: a subscription Resource Graph does not show, a kind that failed after retries,
 * or an ARM read that failed becomes an entry of `errors` naming the kind and subscription, and the
 * checks that need it say `unknown`.
 */
import { idKey } from "../../model/arm-id.js";
import type { JsonObject } from "../../model/props.js";
import { isObject } from "../../model/props.js";
import type { CollectionError, Kind } from "../../model/types.js";
import { KINDS } from "../../model/types.js";
import { SNAPSHOT_SCHEMA } from "../snapshot.js";
import type { AzureClients } from "./clients.js";
import { GRAPH_KINDS, graphQuery, type GraphKind } from "./queries.js";
import { ArmReadBuckets, GraphQuotaGate } from "./quota.js";
import { chunk, mapLimit } from "../../model/concurrency.js";
import { queryAllPages, type GraphScope } from "./graph-pager.js";
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from "./retry.js";

export interface CollectScope {
  subscriptions?: readonly string[];
  managementGroups?: readonly string[];
}

export interface CollectProgress {
  onPage?(kind: string, rows: number): void;
  onKindDone?(kind: string, rows: number, failed: boolean): void;
  onArm?(what: "provider" | "bindings", done: number, total: number): void;
  onWait?(reason: string, ms: number): void;
}

export interface CollectOptions {
  clients: AzureClients;
  scope: CollectScope;
  /** Subscriptions per Resource Graph request. */
  subscriptionBatch?: number;
  pageSize?: number;
  /** ARM reads in flight at once, overall and per subscription. */
  armConcurrency?: number;
  armConcurrencyPerSubscription?: number;
  armQuota?: { burst: number; perSecond: number };
  retry?: Partial<RetryPolicy>;
  progress?: CollectProgress;
  now?: () => Date;
}

export interface CollectMetrics {
  graphRequests: number;
  graphRetries: number;
  armCalls: number;
  armRetries: number;
  throttleWaitMs: number;
  clusters: number;
  rows: number;
  durationMs: number;
}

export interface Snapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  collectedAt: string;
  scope: { subscriptions: string[]; managementGroups: string[] };
  collected: Kind[];
  errors: CollectionError[];
  resources: JsonObject[];
}

export interface CollectResult {
  snapshot: Snapshot;
  metrics: CollectMetrics;
}

const ARM_API = { providers: "Microsoft.KubernetesConfiguration" } as const;

/** A per-key semaphore: at most `n` at once for each key. */
class KeyedLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  constructor(private readonly n: number) {}
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const a = this.active.get(key) ?? 0;
      if (a < this.n) break;
      await new Promise<void>((r) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), r]));
    }
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      this.active.set(key, (this.active.get(key) ?? 1) - 1);
      const w = this.waiting.get(key);
      const first = w?.shift();
      if (first) first();
    }
  }
}

export async function collectFleet(o: CollectOptions): Promise<CollectResult> {
  const started = Date.now();
  const now = o.now ?? (() => new Date());
  const collectedAt = now().toISOString();
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...o.retry };
  const gate = new GraphQuotaGate();
  const buckets = new ArmReadBuckets(o.armQuota?.burst ?? 250, o.armQuota?.perSecond ?? 25);
  const metrics: CollectMetrics = { graphRequests: 0, graphRetries: 0, armCalls: 0, armRetries: 0, throttleWaitMs: 0, clusters: 0, rows: 0, durationMs: 0 };
  const errors: CollectionError[] = [];
  const byId = new Map<string, JsonObject>();
  const requestedSubs = [...(o.scope.subscriptions ?? [])];
  const mgs = [...(o.scope.managementGroups ?? [])];
  const batchSize = o.subscriptionBatch ?? 1000;
  const pageSize = o.pageSize ?? 1000;

  const onWait = (w: { reason: string; ms: number }): void => {
    metrics.throttleWaitMs += w.ms;
    o.progress?.onWait?.(w.reason, w.ms);
  };

  const pager = { clients: o.clients, gate, retry, metrics, onWait };
  /** All rows of one kind over one scope, page by page. */
  const queryAll = (k: GraphKind, scope: GraphScope) => queryAllPages({ ...pager, onPage: (n) => o.progress?.onPage?.(k.kind, n) }, scope, graphQuery(k), pageSize);

  function keep(row: JsonObject): void {
    byId.set(idKey(row["id"] as string), row);
  }

  // 1. Resource Graph, one query per kind over each batch of subscriptions (or each management group).
  const scopes: { subscriptions?: string[]; managementGroups?: string[]; subs: string[] }[] = requestedSubs.length
    ? chunk(requestedSubs, batchSize).map((b) => ({ subscriptions: b, subs: b }))
    : mgs.map((m) => ({ managementGroups: [m], subs: [] }));
  const failedKinds = new Set<string>();
  const rowsByKind = new Map<string, number>();
  const runKinds = (kinds: readonly GraphKind[]) => mapLimit(kinds.flatMap((k) => scopes.map((s) => ({ k, s }))), 8, async ({ k, s }) => {
    const r = await queryAll(k, { ...(s.subscriptions ? { subscriptions: s.subscriptions } : {}), ...(s.managementGroups ? { managementGroups: s.managementGroups } : {}) });
    if ("error" in r) {
      failedKinds.add(k.kind);
      const where = s.subs.length ? s.subs : [undefined];
      for (const sub of where) errors.push({ kind: k.kind, ...(sub ? { subscriptionId: sub } : {}), message: `Resource Graph query failed after retries: ${r.error}` });
      o.progress?.onKindDone?.(k.kind, 0, true);
      return;
    }
    for (const row of r.rows) keep(row);
    metrics.rows += r.rows.length;
    rowsByKind.set(k.kind, (rowsByKind.get(k.kind) ?? 0) + r.rows.length);
    o.progress?.onKindDone?.(k.kind, r.rows.length, false);
  });
  // Clusters and subscriptions first: the ARM reads need them, and then run alongside the other kinds.
  const first = GRAPH_KINDS.filter((k) => k.kind === "clusters" || k.kind === "subscriptions");
  await runKinds(first);

  // 2. Which subscriptions did we actually see? A requested one Resource Graph does not show is not
  //    readable by this identity (or does not exist): everything about it is unknown.
  const seenSubs = new Map<string, string>();
  for (const r of byId.values()) {
    if (String(r["type"]).toLowerCase() === "microsoft.resources/subscriptions") {
      const id = String(r["subscriptionId"] ?? String(r["id"]).split("/")[2] ?? "");
      if (id) seenSubs.set(id.toLowerCase(), id);
    }
  }
  const subsFailed = failedKinds.has("subscriptions");
  const auditedSubs: string[] = [];
  if (requestedSubs.length) {
    for (const s of requestedSubs) {
      if (!subsFailed && !seenSubs.has(s.toLowerCase())) {
        errors.push({ kind: "subscription", subscriptionId: s, message: `subscription ${s} is not visible to this identity in Resource Graph (no access, or it does not exist): its clusters were not audited` });
        for (const k of KINDS) errors.push({ kind: k, subscriptionId: s, message: `subscription ${s} is not readable` });
      } else auditedSubs.push(seenSubs.get(s.toLowerCase()) ?? s);
    }
  } else auditedSubs.push(...seenSubs.values());

  // 3. ARM: provider registration per subscription, trusted-access bindings per cluster.
  const clusters = [...byId.values()].filter((r) => String(r["type"]).toLowerCase() === "microsoft.containerservice/managedclusters");
  metrics.clusters = clusters.length;
  const limiter = new KeyedLimiter(o.armConcurrencyPerSubscription ?? 8);
  const armCall = async <T>(sub: string, fn: () => Promise<T>, headersOut?: { h?: { get(n: string): string | undefined } }) =>
    limiter.run(sub.toLowerCase(), () =>
      withRetry<T>(
        async () => {
          await buckets.take(sub);
          metrics.armCalls++;
          try {
            const v = await fn();
            buckets.observe(sub, headersOut?.h);
            return v;
          } catch (e) {
            const h = (e as { response?: { headers?: { get(n: string): string | undefined } } }).response?.headers;
            buckets.observe(sub, h);
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
      ),
    );

  const armWork = async (): Promise<void> => {
    let providersDone = 0;
    await mapLimit(auditedSubs, o.armConcurrency ?? 16, async (sub) => {
      const out: { h?: { get(n: string): string | undefined } } = {};
      const r = await armCall(sub, () => o.clients.resources(sub).providers.get(ARM_API.providers, { onResponse: (raw) => (out.h = raw.headers) }), out);
      o.progress?.onArm?.("provider", ++providersDone, auditedSubs.length);
      if (r.ok) {
        const p = r.value as unknown as JsonObject;
        keep({ id: `/subscriptions/${sub}/providers/${ARM_API.providers}`, namespace: (p["namespace"] as string) ?? ARM_API.providers, registrationState: (p["registrationState"] as string) ?? "" });
      } else {
        errors.push({ kind: "providers", subscriptionId: sub, message: `provider registration of ${ARM_API.providers}: ${r.failure.kind}${r.failure.status ? ` (HTTP ${r.failure.status})` : ""}: ${r.failure.message}` });
      }
    });

    let bindingsDone = 0;
    await mapLimit(clusters, o.armConcurrency ?? 16, async (cl) => {
      const id = String(cl["id"]);
      const parts = id.split("/");
      const sub = String(cl["subscriptionId"] ?? parts[2] ?? "");
      const rg = String(cl["resourceGroup"] ?? parts[4] ?? "");
      const name = String(cl["name"] ?? parts[8] ?? "");
      const out: { h?: { get(n: string): string | undefined } } = {};
      const r = await armCall(
        sub,
        async () => {
          const list: JsonObject[] = [];
          for await (const b of o.clients.containers(sub).trustedAccessRoleBindings.list(rg, name, { onResponse: (raw) => (out.h = raw.headers) })) {
            list.push(b as unknown as JsonObject);
          }
          return list;
        },
        out,
      );
      o.progress?.onArm?.("bindings", ++bindingsDone, clusters.length);
      if (r.ok) {
        for (const b of r.value) keep(bindingAsRest(b, id));
      } else if (r.failure.kind !== "not_found") {
        // Bindings are read per cluster, so the error names the cluster: only it goes unknown.
        errors.push({ kind: "trustedAccessRoleBindings", subscriptionId: sub, resourceId: id, message: `trusted-access role bindings of cluster ${name}: ${r.failure.kind}${r.failure.status ? ` (HTTP ${r.failure.status})` : ""}: ${r.failure.message}` });
      }
    });
  };
  await Promise.all([runKinds(GRAPH_KINDS.filter((k) => !first.includes(k))), armWork()]);
  gate.dispose();
  metrics.throttleWaitMs += gate.waitedMs + buckets.waitedMs;
  metrics.durationMs = Date.now() - started;

  const collected = KINDS.filter((k) => !(failedKinds.has(k) && !requestedSubs.length));
  return {
    snapshot: {
      schema: SNAPSHOT_SCHEMA,
      collectedAt,
      scope: { subscriptions: requestedSubs.length ? auditedSubs : [...seenSubs.values()], managementGroups: mgs },
      collected,
      errors,
      resources: [...byId.values()],
    },
    metrics,
  };
}

/**
 * The SDK flattens a binding's `properties` into the model; the snapshot keeps the REST shape
 * (contracts.md §1: objects as Azure returns them), so the checks read the same fields either way.
 */
export function bindingAsRest(b: JsonObject, clusterId: string): JsonObject {
  const { id, name, type, systemData, properties, ...rest } = b;
  const props = isObject(properties) ? properties : rest;
  return {
    id: typeof id === "string" ? id : `${clusterId}/trustedAccessRoleBindings/${String(name)}`,
    name: name ?? null,
    type: typeof type === "string" ? type : "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings",
    ...(systemData !== undefined ? { systemData } : {}),
    properties: props,
  };
}
