/**
 * Audit results in Azure Table Storage (Azurite locally). Five tables, keyed for the queries users make:
 *
 * | table        | PartitionKey              | RowKey                                     | one row per            |
 * |--------------|---------------------------|--------------------------------------------|------------------------|
 * | Verdicts     | subscription id (lower)   | rest of the cluster id, encoded            | cluster: latest verdict |
 * | Transitions  | subscription id (lower)   | cluster row · inverted time · check id     | status change           |
 * | Runs         | `yyyy-mm` of the start    | inverted start time · run id               | audit run               |
 * | Suppressions | `suppression`             | check id · encoded scope                   | suppression             |
 * | DigestLedger | period (e.g. `2026-W48`)  | recipient group                            | digest send             |
 * | ScopeIndex   | subscription of the scope | scope key · cluster key (encoded)          | (related scope, cluster) |
 * | EventLog     | 2 hex chars of the id hash | event id                                   | Event Grid event seen   |
 *
 * - Latest verdicts by subscription are one partition scan; by status a filter on `status`; by failing
 *   check a filter on the per-check column `s_AKSBK_NNN` (see codec.ts).
 * - A cluster's history is a range scan of its row prefix in Transitions, newest first.
 * - "Which clusters can a change at scope S affect?" is a range scan of S's prefix in ScopeIndex: each
 *   cluster's related scopes (cluster, vault, backup instance, snapshot resource group, storage account)
 *   are indexed when its verdict is written, and only then.
 * - Writes are transactions of at most 100 entities within one partition, a bounded number in flight.
 * - A re-audit that changes nothing writes nothing: each verdict carries a hash of its content.
 * - Two writers (a fleet audit and an event re-audit) may race on a cluster: every write is conditional
 *   on the ETag that was read, and the observation time decides — an older observation never replaces
 *   a newer one; on a conflict the fresh entity is read and the decision made again.
 */
import { createHash } from "node:crypto";
import { RestError, TableClient, TableServiceClient, type TableEntity, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import { idKey, isSameOrAncestor } from "../model/arm-id.js";
import { chunk, mapLimit } from "../model/concurrency.js";
import type { AuditReport, CheckResult, ClusterReport, ClusterStatus, CollectionError, Status, Suppression } from "../model/types.js";
import { decodeChecks, encodeChecks, statusColumn } from "./codec.js";
import { clusterPartition, clusterRow, encodeKey, invertedTime, prefixEnd } from "./keys.js";

export const TABLES = ["Verdicts", "Transitions", "Runs", "Suppressions", "DigestLedger", "ScopeIndex", "EventLog"] as const;
export type TableName = (typeof TABLES)[number];

export interface TableFactory {
  table(name: string): TableClient;
  service(): TableServiceClient;
}

/** A stored check: the report's check plus when its current status began. */
export interface StoredCheck extends CheckResult {
  since: string;
}

export interface StoredVerdict extends Omit<ClusterReport, "checks"> {
  checks: StoredCheck[];
  observedAt: string;
  firstSeenAt: string;
  lastChangedAt: string;
  runId: string;
  deletedAt?: string | undefined;
}

export interface Transition {
  clusterId: string;
  checkId: string; // "cluster" for the cluster's own status
  from: string | null;
  to: string;
  at: string;
  runId: string;
  evidence?: string | undefined;
}

export interface RunRecord {
  runId: string;
  trigger: string;
  scope: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  clusters: number;
  compliant: number;
  nonCompliant: number;
  unknown: number;
  errors: CollectionError[];
  written: number;
  transactions: number;
}

export interface StoredSuppression {
  id: string;
  checkId: string;
  scope: string;
  reason: string;
  author: string;
  createdAt: string;
  expiresAt?: string | undefined;
}

export interface PersistInput {
  report: AuditReport;
  runId: string;
  trigger: string;
  /** When the data was observed (the snapshot's collectedAt, else the audit's time). */
  observedAt: Date;
  /**
   * Subscriptions the audit saw completely: stored clusters there that the audit did not see are
   * tombstoned. Empty when the input may be partial (then nothing is tombstoned).
   */
  completeSubscriptions: readonly string[];
  startedAt: Date;
  scope: string;
  /** Cluster keys seen by other parts of the same run (chunked audits): never tombstoned. */
  alsoSeen?: ReadonlySet<string> | undefined;
  /** Per cluster id (as in the report): the scopes whose changes can change its verdict. */
  relatedScopes?: ReadonlyMap<string, readonly string[]> | undefined;
  /** Write the run record (default true; a chunk of a larger run leaves it to the run's end). */
  recordRun?: boolean | undefined;
}

export interface PersistStats {
  transactions: number;
  entitiesWritten: number;
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  tombstoned: number;
  resurrected: number;
  conflicts: number;
  transitions: number;
}

const CONCURRENCY = 8;
const MAX_ATTEMPTS = 6;

function hashVerdict(c: ClusterReport, scopes: readonly string[] | undefined): string {
  const h = createHash("sha256");
  h.update(JSON.stringify([c.status, c.name, c.location, c.tags ?? null, c.checks, scopes ?? null]));
  return h.digest("base64url").slice(0, 22);
}

type VerdictEntity = TableEntityResult<Record<string, unknown>>;

interface Decision {
  report: ClusterReport | undefined; // undefined = tombstone
  prev: VerdictEntity | undefined;
}

function isStatus(e: unknown, code: number): boolean {
  return e instanceof RestError && e.statusCode === code;
}

export class ResultsStore {
  private readonly t: Record<TableName, TableClient>;

  constructor(
    private readonly factory: TableFactory,
    readonly prefix = "aksbackup",
  ) {
    this.t = Object.fromEntries(TABLES.map((n) => [n, factory.table(`${prefix}${n}`)])) as Record<TableName, TableClient>;
  }

  table(name: TableName): TableClient {
    return this.t[name];
  }

  async ensureTables(): Promise<void> {
    await Promise.all(
      TABLES.map(async (n) => {
        try {
          await this.t[n].createTable();
        } catch (e) {
          if (!isStatus(e, 409)) throw e;
        }
      }),
    );
  }

  // ---- latest verdicts --------------------------------------------------------------------------

  private async loadPartition(partition: string): Promise<Map<string, VerdictEntity>> {
    const out = new Map<string, VerdictEntity>();
    const select = ["PartitionKey", "RowKey", "hash", "observedAtMs", "deletedAt", "state", "clusterId", "clusterKey", "firstSeenAt", "status", "lastChangedAt", "scopes"];
    for await (const e of this.t.Verdicts.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq ${quote(partition)}`, select } })) {
      out.set(e.rowKey ?? "", e);
    }
    return out;
  }

  private async loadOne(partition: string, row: string): Promise<VerdictEntity | undefined> {
    try {
      return await this.t.Verdicts.getEntity<Record<string, unknown>>(partition, row);
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  }

  /** Persist an audit's verdicts, transitions and run record. Returns what it did. */
  async persist(input: PersistInput): Promise<PersistStats> {
    const stats: PersistStats = { transactions: 0, entitiesWritten: 0, created: 0, updated: 0, unchanged: 0, stale: 0, tombstoned: 0, resurrected: 0, conflicts: 0, transitions: 0 };
    const obsMs = input.observedAt.getTime();
    const byPartition = new Map<string, Map<string, ClusterReport>>();
    for (const c of input.report.clusters) {
      const p = clusterPartition(c.id);
      let m = byPartition.get(p);
      if (!m) byPartition.set(p, (m = new Map()));
      m.set(clusterRow(c.id), c);
    }
    const complete = new Set(input.completeSubscriptions.map((s) => encodeKey(s.toLowerCase())));
    for (const p of complete) if (!byPartition.has(p)) byPartition.set(p, new Map());

    const transitions: { partition: string; t: Transition }[] = [];
    await mapLimit([...byPartition.entries()], CONCURRENCY, async ([partition, clusters]) => {
      const existing = await this.loadPartition(partition);
      const decisions = new Map<string, Decision>();
      for (const [row, report] of clusters) decisions.set(row, { report, prev: existing.get(row) });
      if (complete.has(partition)) {
        for (const [row, prev] of existing) {
          if (clusters.has(row) || prev["deletedAt"]) continue;
          if (input.alsoSeen?.has(String(prev["clusterKey"] ?? ""))) continue;
          decisions.set(row, { report: undefined, prev });
        }
      }
      await this.writeDecisions(partition, decisions, input, obsMs, stats, transitions);
    });

    // Transitions after the verdicts they describe: a failed verdict write leaves no orphan history.
    const byP = new Map<string, Transition[]>();
    for (const { partition, t } of transitions) {
      const list = byP.get(partition);
      if (list) list.push(t);
      else byP.set(partition, [t]);
    }
    await mapLimit([...byP.entries()], CONCURRENCY, async ([partition, list]) => {
      const actions: TransactionAction[] = list.map((t) => [
        "upsert",
        transitionEntity(partition, t),
        "Replace",
      ]);
      for (let i = 0; i < actions.length; i += 100) {
        await this.t.Transitions.submitTransaction(actions.slice(i, i + 100));
        stats.transactions++;
      }
    });
    stats.transitions = transitions.length;

    if (input.recordRun !== false) await this.recordRun(input, stats);
    return stats;
  }

  private decide(d: Decision, obsMs: number, scopes: readonly string[] | undefined): "create" | "update" | "unchanged" | "stale" | "tombstone" | "skip" {
    const prevMs = typeof d.prev?.["observedAtMs"] === "number" ? d.prev["observedAtMs"] : Number(d.prev?.["observedAtMs"] ?? -Infinity);
    if (!d.report) {
      if (!d.prev || d.prev["deletedAt"]) return "skip";
      return prevMs > obsMs ? "stale" : "tombstone";
    }
    if (!d.prev) return "create";
    if (prevMs > obsMs) return "stale";
    if (d.prev["hash"] === hashVerdict(d.report, scopes) && !d.prev["deletedAt"]) return "unchanged";
    return "update";
  }

  private buildEntity(partition: string, row: string, report: ClusterReport, prev: VerdictEntity | undefined, input: PersistInput, obsIso: string, out: Transition[]): TableEntity {
    const prevState = parseState(prev?.["state"]);
    const state: Record<string, [Status, string]> = {};
    const checks: StoredCheck[] = report.checks.map((c) => {
      const before = prevState[c.id];
      const since = before && before[0] === c.status ? before[1] : obsIso;
      if (!before || before[0] !== c.status) {
        // A first observation that passes (or does not apply) is not news; every other first status is.
        if (before || (c.status !== "pass" && c.status !== "not_applicable")) out.push({ clusterId: report.id, checkId: c.id, from: before?.[0] ?? null, to: c.status, at: obsIso, runId: input.runId, evidence: c.evidence });
      }
      state[c.id] = [c.status, since];
      return { ...c, since };
    });
    const prevStatus = typeof prev?.["status"] === "string" ? prev["status"] : null;
    const revived = !!prev?.["deletedAt"];
    if (prevStatus !== report.status || revived) {
      out.push({ clusterId: report.id, checkId: "cluster", from: revived ? "deleted" : prevStatus, to: report.status, at: obsIso, runId: input.runId });
    }
    const entity: TableEntity = {
      partitionKey: partition,
      rowKey: row,
      clusterId: report.id,
      clusterKey: idKey(report.id),
      name: report.name,
      subscriptionId: report.subscriptionId,
      resourceGroup: report.resourceGroup,
      location: report.location,
      status: report.status,
      hash: hashVerdict(report, input.relatedScopes?.get(report.id)),
      scopes: JSON.stringify(input.relatedScopes?.get(report.id) ?? []),
      observedAt: obsIso,
      observedAtMs: input.observedAt.getTime(),
      firstSeenAt: typeof prev?.["firstSeenAt"] === "string" ? prev["firstSeenAt"] : obsIso,
      lastChangedAt: obsIso,
      runId: input.runId,
      state: JSON.stringify(state),
      tags: JSON.stringify(report.tags ?? {}),
      ...encodeChecks(checks),
    };
    for (const c of report.checks) entity[statusColumn(c.id)] = c.status;
    return entity;
  }

  private async writeDecisions(partition: string, decisions: Map<string, Decision>, input: PersistInput, obsMs: number, stats: PersistStats, transitions: { partition: string; t: Transition }[]): Promise<void> {
    const obsIso = input.observedAt.toISOString();
    const scopeChanges: { clusterId: string; before: string[]; after: readonly string[] }[] = [];
    let pending = [...decisions.entries()];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`gave up writing ${pending.length} verdict(s) in partition ${partition} after ${MAX_ATTEMPTS} conflicting attempts`);
      const batch: { row: string; action: TransactionAction; kind: string; trans: Transition[] }[] = [];
      for (const [row, d] of pending) {
        const kind = this.decide(d, obsMs, d.report ? input.relatedScopes?.get(d.report.id) : undefined);
        if (kind === "unchanged") stats.unchanged++;
        if (kind === "stale") stats.stale++;
        if (kind === "unchanged" || kind === "stale" || kind === "skip") continue;
        const trans: Transition[] = [];
        let action: TransactionAction;
        if (kind === "tombstone") {
          const clusterId = String(d.prev?.["clusterId"] ?? row);
          trans.push({ clusterId, checkId: "cluster", from: String(d.prev?.["status"] ?? ""), to: "deleted", at: obsIso, runId: input.runId });
          action = ["update", { partitionKey: partition, rowKey: row, deletedAt: obsIso, observedAt: obsIso, observedAtMs: obsMs, runId: input.runId, lastChangedAt: obsIso }, "Merge", { etag: d.prev?.etag ?? "*" }];
        } else {
          const entity = this.buildEntity(partition, row, d.report as ClusterReport, d.prev, input, obsIso, trans);
          // Replace drops properties of a previous, longer encoding; `deletedAt` is cleared by omission.
          action = kind === "create" ? ["create", entity] : ["update", entity, "Replace", { etag: d.prev?.etag ?? "*" }];
        }
        batch.push({ row, action, kind, trans });
      }
      const retry: [string, Decision][] = [];
      await mapLimit(chunk(batch, 100), 2, async (part) => {
        try {
          await this.t.Verdicts.submitTransaction(part.map((b) => b.action));
          stats.transactions++;
          for (const b of part) {
            stats.entitiesWritten++;
            if (b.kind === "create") stats.created++;
            else if (b.kind === "tombstone") stats.tombstoned++;
            else stats.updated++;
            if (b.kind !== "tombstone" && decisions.get(b.row)?.prev?.["deletedAt"]) stats.resurrected++;
            for (const t of b.trans) transitions.push({ partition, t });
            const d = decisions.get(b.row);
            if (d?.report && input.relatedScopes) scopeChanges.push({ clusterId: d.report.id, before: parseList(d.prev?.["scopes"]), after: input.relatedScopes.get(d.report.id) ?? [] });
          }
        } catch (e) {
          if (!isStatus(e, 412) && !isStatus(e, 409)) throw e;
          // Someone else wrote one of these since we read it: re-read them all and decide again.
          stats.conflicts++;
          for (const b of part) {
            const d = decisions.get(b.row) as Decision;
            const fresh = await this.loadOne(partition, b.row);
            const nd = { report: d.report, prev: fresh };
            decisions.set(b.row, nd);
            retry.push([b.row, nd]);
          }
        }
      });
      pending = retry;
    }
    if (scopeChanges.length) stats.transactions += await this.updateScopeIndex(scopeChanges);
  }

  /** Add and remove (scope, cluster) rows for clusters whose related scopes changed. Returns transactions. */
  private async updateScopeIndex(changes: readonly { clusterId: string; before: readonly string[]; after: readonly string[] }[]): Promise<number> {
    const byPartition = new Map<string, TransactionAction[]>();
    for (const c of changes) {
      const clusterKey = idKey(c.clusterId);
      const after = new Set(c.after);
      const before = new Set(c.before);
      const add = (scope: string, action: TransactionAction) => {
        const p = scopePartition(scope);
        const list = byPartition.get(p) ?? [];
        list.push(action);
        byPartition.set(p, list);
      };
      for (const scope of after) {
        if (before.has(scope)) continue;
        add(scope, ["upsert", { partitionKey: scopePartition(scope), rowKey: `${encodeKey(scope)}|${encodeKey(clusterKey)}`, scope, clusterId: c.clusterId }, "Replace"]);
      }
      for (const scope of before) {
        if (after.has(scope)) continue;
        add(scope, ["delete", { partitionKey: scopePartition(scope), rowKey: `${encodeKey(scope)}|${encodeKey(clusterKey)}` }]);
      }
    }
    let transactions = 0;
    await mapLimit([...byPartition.values()], CONCURRENCY, async (actions) => {
      for (const part of chunk(actions, 100)) {
        try {
          await this.t.ScopeIndex.submitTransaction(part);
          transactions++;
        } catch (e) {
          // A delete of a row already gone fails the batch: fall back to one at a time, ignoring 404.
          if (!isStatus(e, 404)) throw e;
          for (const a of part) {
            try {
              if (a[0] === "delete") await this.t.ScopeIndex.deleteEntity(a[1].partitionKey ?? "", a[1].rowKey ?? "");
              else await this.t.ScopeIndex.upsertEntity(a[1], "Replace");
            } catch (err) {
              if (!isStatus(err, 404)) throw err;
            }
          }
        }
      }
    });
    return transactions;
  }

  /**
   * Clusters whose related scopes are `scope` or lie under it (whole segments). Undefined when the
   * scope is above any subscription (a management group or the root): the caller must widen.
   */
  async clustersUnderScope(scope: string): Promise<string[] | undefined> {
    const key = idKey(scope);
    if (!key.startsWith("/subscriptions/")) return undefined;
    const prefix = encodeKey(key);
    const filter = `PartitionKey eq ${quote(scopePartition(key))} and RowKey ge ${quote(prefix)} and RowKey lt ${quote(prefixEnd(prefix))}`;
    const out = new Set<string>();
    for await (const e of this.t.ScopeIndex.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ["scope", "clusterId"] } })) {
      if (isSameOrAncestor(key, String(e["scope"]))) out.add(String(e["clusterId"]));
    }
    return [...out];
  }

  /** Record an event id; false when it was seen before (Event Grid delivers at least once). */
  async firstDelivery(eventId: string, at = new Date()): Promise<boolean> {
    const h = createHash("sha256").update(eventId).digest("hex");
    try {
      await this.t.EventLog.createEntity({ partitionKey: h.slice(0, 2), rowKey: encodeKey(eventId).slice(0, 900), at: at.toISOString() });
      return true;
    } catch (e) {
      if (isStatus(e, 409)) return false;
      throw e;
    }
  }

  private async recordRun(input: PersistInput, stats: PersistStats): Promise<void> {
    const finished = new Date();
    const s = input.report.summary;
    const month = input.startedAt.toISOString().slice(0, 7);
    await this.t.Runs.upsertEntity(
      {
        partitionKey: month,
        rowKey: `${invertedTime(input.startedAt.getTime())}|${encodeKey(input.runId)}`,
        runId: input.runId,
        trigger: input.trigger,
        scope: input.scope.slice(0, 8000),
        startedAt: input.startedAt.toISOString(),
        finishedAt: finished.toISOString(),
        durationMs: finished.getTime() - input.startedAt.getTime(),
        clusters: s.clusters,
        compliant: s.compliant,
        nonCompliant: s.nonCompliant,
        unknown: s.unknown,
        errors: JSON.stringify(input.report.collection?.errors ?? []).slice(0, 30000),
        written: stats.entitiesWritten,
        transactions: stats.transactions,
      },
      "Replace",
    );
  }

  /** Latest verdicts, filtered in the table service. Tombstoned clusters only with includeDeleted. */
  async *listVerdicts(f: { subscriptionId?: string; status?: ClusterStatus; checkId?: string; checkStatuses?: Status[]; includeDeleted?: boolean } = {}): AsyncGenerator<StoredVerdict> {
    const filter = verdictFilter(f);
    for await (const e of this.t.Verdicts.listEntities<Record<string, unknown>>({ queryOptions: filter ? { filter } : {} })) {
      const v = toVerdict(e);
      if (v.deletedAt && !f.includeDeleted) continue;
      yield v;
    }
  }

  async getVerdict(clusterId: string): Promise<StoredVerdict | undefined> {
    const e = await this.loadOne(clusterPartition(clusterId), clusterRow(clusterId));
    return e ? toVerdict(e) : undefined;
  }

  /** A cluster's transitions, newest first. */
  async history(clusterId: string, limit = 500): Promise<Transition[]> {
    const p = clusterPartition(clusterId);
    const prefix = `${clusterRow(clusterId)}|`;
    const out: Transition[] = [];
    const filter = `PartitionKey eq ${quote(p)} and RowKey ge ${quote(prefix)} and RowKey lt ${quote(prefixEnd(prefix))}`;
    for await (const e of this.t.Transitions.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push({
        clusterId: String(e["clusterId"]),
        checkId: String(e["checkId"]),
        from: e["from"] ? String(e["from"]) : null,
        to: String(e["to"]),
        at: String(e["at"]),
        runId: String(e["runId"]),
        evidence: e["evidence"] ? String(e["evidence"]) : undefined,
      });
      if (out.length >= limit) break;
    }
    return out;
  }

  async listRuns(limit = 20): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for await (const e of this.t.Runs.listEntities<Record<string, unknown>>()) {
      out.push({
        runId: String(e["runId"]),
        trigger: String(e["trigger"]),
        scope: String(e["scope"]),
        startedAt: String(e["startedAt"]),
        finishedAt: String(e["finishedAt"]),
        durationMs: Number(e["durationMs"]),
        clusters: Number(e["clusters"]),
        compliant: Number(e["compliant"]),
        nonCompliant: Number(e["nonCompliant"]),
        unknown: Number(e["unknown"]),
        errors: JSON.parse(String(e["errors"] ?? "[]")) as CollectionError[],
        written: Number(e["written"]),
        transactions: Number(e["transactions"]),
      });
    }
    // Partitions are months: sort across them, newest first.
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
  }

  // ---- event-driven and paged access (Functions app) --------------------------------------------

  /**
   * Mark one cluster deleted (an Event Grid ResourceDeleteSuccess of the cluster), with the same rules
   * as a complete audit's tombstones: nothing stored or already deleted → false; a newer observation
   * stored → left alone (false); otherwise the verdict gets `deletedAt` and its history a `deleted`
   * transition. Writes are conditional on the ETag read, like persist.
   */
  async tombstone(clusterId: string, at: Date, runId: string): Promise<boolean> {
    const partition = clusterPartition(clusterId);
    const row = clusterRow(clusterId);
    const prev = await this.loadOne(partition, row);
    if (!prev || prev["deletedAt"]) return false;
    const stats: PersistStats = { transactions: 0, entitiesWritten: 0, created: 0, updated: 0, unchanged: 0, stale: 0, tombstoned: 0, resurrected: 0, conflicts: 0, transitions: 0 };
    const input: PersistInput = {
      report: { schema: "aks-backup-auditor/report@1", generatedAt: at.toISOString(), summary: { clusters: 0, compliant: 0, nonCompliant: 0, unknown: 0 }, clusters: [] },
      runId,
      trigger: "event",
      observedAt: at,
      completeSubscriptions: [],
      startedAt: at,
      scope: clusterId,
      recordRun: false,
    };
    const transitions: { partition: string; t: Transition }[] = [];
    await this.writeDecisions(partition, new Map([[row, { report: undefined, prev }]]), input, at.getTime(), stats, transitions);
    for (const { t } of transitions) {
      // The same row shape persist writes (history() reads it).
      await this.t.Transitions.upsertEntity(transitionEntity(partition, t), "Replace");
    }
    return stats.tombstoned > 0;
  }

  /**
   * Forget event ids recorded before `before`. Event Grid retries a delivery for at most 24 hours, so
   * ids older than that can never come again; the fleet run's end prunes them (a filtered scan, then
   * deletes batched per partition). Returns how many were removed.
   */
  async pruneEventLog(before: Date): Promise<number> {
    const byPartition = new Map<string, TransactionAction[]>();
    const filter = `at lt ${quote(before.toISOString())}`;
    for await (const e of this.t.EventLog.listEntities<Record<string, unknown>>({ queryOptions: { filter, select: ["PartitionKey", "RowKey"] } })) {
      const p = e.partitionKey ?? "";
      const list = byPartition.get(p) ?? [];
      list.push(["delete", { partitionKey: p, rowKey: e.rowKey ?? "" }]);
      byPartition.set(p, list);
    }
    let removed = 0;
    await mapLimit([...byPartition.values()], CONCURRENCY, async (actions) => {
      for (const part of chunk(actions, 100)) {
        try {
          await this.t.EventLog.submitTransaction(part);
        } catch (e) {
          if (!isStatus(e, 404)) throw e; // another pruner got there first: one at a time, ignoring 404
          for (const a of part) await this.t.EventLog.deleteEntity(a[1].partitionKey ?? "", a[1].rowKey ?? "").catch((err: unknown) => {
            if (!isStatus(err, 404)) throw err;
          });
        }
        removed += part.length;
      }
    });
    return removed;
  }

  /** Undo firstDelivery for an event whose handling failed, so that Event Grid's redelivery is processed. */
  async forgetDelivery(eventId: string): Promise<void> {
    const h = createHash("sha256").update(eventId).digest("hex");
    try {
      await this.t.EventLog.deleteEntity(h.slice(0, 2), encodeKey(eventId).slice(0, 900));
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }

  /**
   * One page of latest verdicts (same filters as listVerdicts). Deleted clusters are skipped after the
   * page is read, so a page may hold fewer than `pageSize` verdicts (even none) while a continuation
   * token says more may follow: callers follow the token until it is undefined.
   */
  async pageVerdicts(
    f: { subscriptionId?: string; status?: ClusterStatus; checkId?: string; checkStatuses?: Status[]; includeDeleted?: boolean },
    page: { pageSize: number; continuationToken?: string | undefined },
  ): Promise<{ items: StoredVerdict[]; continuationToken: string | undefined }> {
    const filter = verdictFilter(f);
    const pages = this.t.Verdicts.listEntities<Record<string, unknown>>({ queryOptions: filter ? { filter } : {} }).byPage({
      maxPageSize: page.pageSize,
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    });
    const first = await pages.next();
    if (first.done) return { items: [], continuationToken: undefined };
    const items = first.value.map((e) => toVerdict(e)).filter((v) => f.includeDeleted || !v.deletedAt);
    return { items, continuationToken: first.value.continuationToken || undefined };
  }

  /**
   * Write a run record whose totals were gathered elsewhere (a chunked run: each chunk persisted with
   * recordRun: false). Same row as persist's own run record.
   */
  async recordRunSummary(r: RunRecord): Promise<void> {
    const started = new Date(r.startedAt);
    await this.t.Runs.upsertEntity(
      {
        partitionKey: started.toISOString().slice(0, 7),
        rowKey: `${invertedTime(started.getTime())}|${encodeKey(r.runId)}`,
        runId: r.runId,
        trigger: r.trigger,
        scope: r.scope.slice(0, 8000),
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        durationMs: r.durationMs,
        clusters: r.clusters,
        compliant: r.compliant,
        nonCompliant: r.nonCompliant,
        unknown: r.unknown,
        errors: JSON.stringify(r.errors).slice(0, 30000),
        written: r.written,
        transactions: r.transactions,
      },
      "Replace",
    );
  }

  // ---- suppressions -----------------------------------------------------------------------------

  async addSuppression(s: Omit<StoredSuppression, "id" | "createdAt">, now = new Date()): Promise<StoredSuppression> {
    const scope = idKey(s.scope);
    const id = `${s.checkId}|${encodeKey(scope)}`;
    const full: StoredSuppression = { ...s, scope: s.scope, id, createdAt: now.toISOString() };
    await this.t.Suppressions.upsertEntity(
      { partitionKey: "suppression", rowKey: id, checkId: s.checkId, scope: s.scope, scopeKey: scope, reason: s.reason, author: s.author, createdAt: full.createdAt, expiresAt: s.expiresAt ?? "" },
      "Replace",
    );
    return full;
  }

  async listSuppressions(): Promise<StoredSuppression[]> {
    const out: StoredSuppression[] = [];
    for await (const e of this.t.Suppressions.listEntities<Record<string, unknown>>()) {
      out.push({
        id: e.rowKey ?? "",
        checkId: String(e["checkId"]),
        scope: String(e["scope"]),
        reason: String(e["reason"]),
        author: String(e["author"]),
        createdAt: String(e["createdAt"]),
        expiresAt: e["expiresAt"] ? String(e["expiresAt"]) : undefined,
      });
    }
    return out;
  }

  /** Remove by id, or by check id + scope. Returns whether something was removed. */
  async removeSuppression(id: string): Promise<boolean> {
    try {
      await this.t.Suppressions.deleteEntity("suppression", id);
      return true;
    } catch (e) {
      if (isStatus(e, 404)) return false;
      throw e;
    }
  }
}

export function isExpired(s: StoredSuppression, now: Date): boolean {
  return !!s.expiresAt && Date.parse(s.expiresAt) <= now.getTime();
}

/**
 * The lookup an audit applies: a suppression matches a finding when its check id matches (or is `*`)
 * and its scope is the cluster or an ancestor (resource group, subscription), by whole segments.
 * Expired suppressions do not apply.
 */
export function suppressionLookup(list: readonly StoredSuppression[], now: Date): (clusterId: string, checkId: string) => Suppression | undefined {
  const active = list.filter((s) => !isExpired(s, now)).map((s) => ({ s, key: idKey(s.scope) }));
  return (clusterId, checkId) => {
    const key = idKey(clusterId);
    const hit = active.find(({ s, key: k }) => (s.checkId === checkId || s.checkId === "*") && isSameOrAncestor(k, key));
    return hit ? { reason: hit.s.reason, expires: hit.s.expiresAt } : undefined;
  };
}

export interface VerdictFilter {
  subscriptionId?: string | undefined;
  status?: ClusterStatus | undefined;
  checkId?: string | undefined;
  checkStatuses?: Status[] | undefined;
  includeDeleted?: boolean | undefined;
}

/** The OData filter of a verdict query (undefined: every verdict). */
function verdictFilter(f: VerdictFilter): string | undefined {
  const parts: string[] = [];
  if (f.subscriptionId) parts.push(`PartitionKey eq ${quote(encodeKey(f.subscriptionId.toLowerCase()))}`);
  if (f.status) parts.push(`status eq ${quote(f.status)}`);
  if (f.checkId) {
    const col = statusColumn(f.checkId);
    if (!/^s_AKSBK_\d{3}$/.test(col)) throw new Error(`not a check id: ${f.checkId}`);
    const statuses = f.checkStatuses ?? ["fail", "warn"];
    parts.push("(" + statuses.map((s) => `${col} eq ${quote(s)}`).join(" or ") + ")");
  }
  return parts.length ? parts.join(" and ") : undefined;
}

/** An OData string literal: single quotes, inner quotes doubled. */
export function quote(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/** A status transition as a row: newest first within its cluster's row prefix. */
function transitionEntity(partition: string, t: Transition): TableEntity {
  return {
    partitionKey: partition,
    rowKey: `${clusterRow(t.clusterId)}|${invertedTime(Date.parse(t.at))}|${t.checkId}`,
    clusterId: t.clusterId,
    checkId: t.checkId,
    from: t.from ?? "",
    to: t.to,
    at: t.at,
    runId: t.runId,
    evidence: (t.evidence ?? "").slice(0, 8000),
  };
}

function scopePartition(scopeKey: string): string {
  const sub = /^\/subscriptions\/([^/]+)/.exec(scopeKey)?.[1];
  return encodeKey(sub ?? "global");
}

function parseList(v: unknown): string[] {
  if (typeof v !== "string" || !v) return [];
  try {
    const x: unknown = JSON.parse(v);
    return Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}

function parseState(v: unknown): Record<string, [Status, string]> {
  if (typeof v !== "string" || !v) return {};
  try {
    return JSON.parse(v) as Record<string, [Status, string]>;
  } catch {
    return {};
  }
}

function toVerdict(e: Record<string, unknown>): StoredVerdict {
  const s = (k: string): string => (typeof e[k] === "string" ? (e[k] as string) : "");
  let tags: Record<string, string> | undefined;
  try {
    tags = JSON.parse(s("tags") || "{}") as Record<string, string>;
  } catch {
    tags = undefined;
  }
  return {
    id: s("clusterId"),
    name: s("name"),
    subscriptionId: s("subscriptionId"),
    resourceGroup: s("resourceGroup"),
    location: s("location"),
    status: s("status") as ClusterStatus,
    tags,
    checks: decodeChecks(e) as StoredCheck[],
    observedAt: s("observedAt"),
    firstSeenAt: s("firstSeenAt"),
    lastChangedAt: s("lastChangedAt"),
    runId: s("runId"),
    deletedAt: s("deletedAt") || undefined,
  };
}

