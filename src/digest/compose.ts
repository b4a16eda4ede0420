/**
 * The digest as data: what one recipient group should read about its clusters this period. Pure: no
 * I/O, the clock is an argument. Renderers (html.ts, text.ts, csv.ts) only format this model.
 *
 * Status over time comes from the cluster-level transitions, walked backwards from the current verdict:
 * a cluster's status at a point in time is the `from` of its first transition after that point (or its
 * current status when nothing changed since). That gives the status at the start of the digest window
 * (for "newly non-compliant", "fixed", "still failing") and after each recent run (for the trend), for
 * exactly this group's clusters — run records alone are fleet-wide and would not do for a team.
 */
import { idKey, isSameOrAncestor } from "../model/arm-id.js";
import type { ClusterStatus, CollectionError, Severity, Status, Suppression } from "../model/types.js";
import { portalUrl } from "../report/common.js";
import type { RunRecord, StoredSuppression, StoredVerdict, Transition } from "../store/results-store.js";
import type { Period } from "./period.js";
import type { DigestData } from "./source.js";

export type ClusterState = ClusterStatus | "deleted" | "absent";

export interface FindingLine {
  id: string;
  title: string;
  severity: Severity;
  status: Status;
  evidence: string;
  remediation: string | undefined;
  docsUrl: string | undefined;
  /** When the check got its current status. */
  since: string;
  /** The status began inside the digest window. */
  isNew: boolean;
  suppressed: Suppression | undefined;
}

export interface ClusterEntry {
  id: string;
  key: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  state: ClusterState;
  /** Status at the start of the window. */
  was: ClusterState;
  /** When the cluster got its current status (its latest transition), else when it was first seen. */
  since: string | undefined;
  firstSeenAt: string;
  portalUrl: string;
  /** fail and warn, not suppressed; worst first. */
  failing: FindingLine[];
  /** unknown, not suppressed. */
  unknown: FindingLine[];
  /** Every finding (fail, warn, unknown), suppressed ones included: the CSV's rows. */
  findings: FindingLine[];
  suppressedCount: number;
}

export interface Totals {
  clusters: number;
  compliant: number;
  nonCompliant: number;
  unknown: number;
  /** Whole percent compliant, rounded down (199/200 is 99 %); undefined with no clusters. */
  percent: number | undefined;
}

export interface TrendPoint {
  at: string;
  runId: string;
  totals: Totals;
}

export interface CheckCount {
  id: string;
  title: string;
  severity: Severity;
  fail: number;
  warn: number;
  unknown: number;
  /** Clusters where this check started failing inside the window. */
  newFail: number;
}

export interface SuppressionLine {
  checkId: string;
  scope: string;
  reason: string;
  author: string;
  expiresAt: string;
  /** Clusters of this group that the suppression covers. */
  clusters: number;
}

export interface DigestModel {
  generatedAt: Date;
  period: Period;
  windowStart: Date;
  windowEnd: Date;
  everything: boolean;
  recipients: string[];
  reasons: string[];
  subscriptions: number;
  totals: Totals;
  /** At the start of the window; undefined when no cluster of the group existed then. */
  previous: Totals | undefined;
  trend: TrendPoint[];
  newlyNonCompliant: ClusterEntry[];
  fixed: ClusterEntry[];
  stillFailing: ClusterEntry[];
  becameUnknown: ClusterEntry[];
  stillUnknown: ClusterEntry[];
  added: ClusterEntry[];
  removed: ClusterEntry[];
  topChecks: CheckCount[];
  expiring: SuppressionLine[];
  expired: SuppressionLine[];
  /** Non-compliant clusters, newly non-compliant first, then the longest failing. */
  toFix: ClusterEntry[];
  /** Current clusters (not deleted) in display order; the CSV lists their findings. */
  clusters: ClusterEntry[];
  findingCount: number;
  /** The latest run's collection errors: the data behind this digest may be partial. */
  collection: { runId: string; startedAt: string; errors: CollectionError[] } | undefined;
  /** Nothing to report: no failing or unknown cluster, no change, no suppression about to expire. */
  empty: boolean;
}

export interface ComposeOptions {
  now: Date;
  period: Period;
  windowStart: Date;
  /** The group's clusters (idKey); all when undefined. */
  clusterKeys?: ReadonlySet<string> | undefined;
  everything?: boolean;
  recipients?: string[];
  reasons?: string[];
  expiringWithinDays?: number;
  trendPoints?: number;
}

const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };
const STATUS_RANK: Record<Status, number> = { fail: 0, warn: 1, unknown: 2, pass: 3, not_applicable: 4 };

function byWorst(a: FindingLine, b: FindingLine): number {
  return STATUS_RANK[a.status] - STATUS_RANK[b.status] || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.id.localeCompare(b.id);
}

function totalsOf(states: Iterable<ClusterState>): Totals {
  const t: Totals = { clusters: 0, compliant: 0, nonCompliant: 0, unknown: 0, percent: undefined };
  for (const s of states) {
    if (s === "deleted" || s === "absent") continue;
    t.clusters++;
    if (s === "compliant") t.compliant++;
    else if (s === "non_compliant") t.nonCompliant++;
    else t.unknown++;
  }
  t.percent = t.clusters > 0 ? Math.floor((t.compliant / t.clusters) * 100) : undefined;
  return t;
}

function asState(v: string | null): ClusterState {
  return v === "compliant" || v === "non_compliant" || v === "unknown" || v === "deleted" ? v : "absent";
}

/** The state before the first transition that `after` selects (transitions in time order), else the current state. */
function stateBefore(current: ClusterState, ts: readonly Transition[], after: (t: Transition) => boolean): ClusterState {
  const first = ts.find(after);
  return first ? asState(first.from) : current;
}

function entryOf(v: StoredVerdict, ts: readonly Transition[], windowStartMs: number): ClusterEntry {
  const state: ClusterState = v.deletedAt ? "deleted" : v.status;
  const findings: FindingLine[] = [];
  for (const c of v.checks) {
    if (c.status !== "fail" && c.status !== "warn" && c.status !== "unknown") continue;
    findings.push({
      id: c.id,
      title: c.title,
      severity: c.severity,
      status: c.status,
      evidence: c.evidence,
      remediation: c.remediation,
      docsUrl: c.docsUrl,
      since: c.since,
      isNew: Date.parse(c.since) >= windowStartMs,
      suppressed: c.suppressed,
    });
  }
  findings.sort(byWorst);
  const live = findings.filter((f) => !f.suppressed);
  const last = ts[ts.length - 1];
  return {
    id: v.id,
    key: idKey(v.id),
    name: v.name,
    subscriptionId: v.subscriptionId,
    resourceGroup: v.resourceGroup,
    location: v.location,
    tags: v.tags ?? {},
    state,
    was: stateBefore(state, ts, (t) => Date.parse(t.at) >= windowStartMs),
    since: last && asState(last.to) === state ? last.at : v.firstSeenAt || undefined,
    firstSeenAt: v.firstSeenAt,
    portalUrl: portalUrl(v.id),
    failing: live.filter((f) => f.status !== "unknown"),
    unknown: live.filter((f) => f.status === "unknown"),
    findings,
    suppressedCount: findings.length - live.length,
  };
}

function trendOf(entries: readonly { current: ClusterState; ts: readonly Transition[] }[], runs: readonly RunRecord[], points: number): TrendPoint[] {
  const asc = [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const index = new Map(asc.map((r, i) => [r.runId, i]));
  // One point per day (the day's last run): event-driven re-audits must not crowd out the weeks.
  const lastOfDay = new Map<string, number>();
  asc.forEach((r, i) => lastOfDay.set(r.startedAt.slice(0, 10), i));
  const chosen = [...lastOfDay.values()].sort((a, b) => a - b).slice(-points);
  const out: TrendPoint[] = [];
  for (const k of chosen) {
    const run = asc[k] as RunRecord;
    // Transitions of runs not in the list are older than all of them.
    const after = (t: Transition): boolean => (index.get(t.runId) ?? -1) > k;
    const totals = totalsOf(entries.map((e) => stateBefore(e.current, e.ts, after)));
    if (totals.clusters > 0) out.push({ at: run.startedAt, runId: run.runId, totals });
  }
  return out;
}

function relevantSuppressions(list: readonly StoredSuppression[], keys: readonly string[], inRange: (expiresMs: number) => boolean): SuppressionLine[] {
  const out: SuppressionLine[] = [];
  for (const s of list) {
    if (!s.expiresAt) continue;
    const ms = Date.parse(s.expiresAt);
    if (Number.isNaN(ms) || !inRange(ms)) continue;
    const scope = idKey(s.scope);
    const clusters = keys.filter((k) => isSameOrAncestor(scope, k)).length;
    if (clusters === 0) continue;
    out.push({ checkId: s.checkId, scope: s.scope, reason: s.reason, author: s.author, expiresAt: s.expiresAt, clusters });
  }
  return out.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

export function composeDigest(data: DigestData, opts: ComposeOptions): DigestModel {
  const now = opts.now;
  const nowMs = now.getTime();
  const windowStartMs = opts.windowStart.getTime();
  const inGroup = (v: StoredVerdict): boolean => !opts.clusterKeys || opts.clusterKeys.has(idKey(v.id));

  const tsByCluster = new Map<string, Transition[]>();
  for (const t of data.transitions) {
    const k = idKey(t.clusterId);
    if (opts.clusterKeys && !opts.clusterKeys.has(k)) continue;
    const list = tsByCluster.get(k);
    if (list) list.push(t);
    else tsByCluster.set(k, [t]);
  }
  for (const list of tsByCluster.values()) list.sort((a, b) => a.at.localeCompare(b.at));

  const all: ClusterEntry[] = [];
  for (const v of data.verdicts) {
    if (!inGroup(v)) continue;
    const e = entryOf(v, tsByCluster.get(idKey(v.id)) ?? [], windowStartMs);
    // A cluster deleted before this window is history, not news.
    if (e.state === "deleted" && e.was === "deleted") continue;
    all.push(e);
  }
  const current = all.filter((e) => e.state !== "deleted");
  const totals = totalsOf(current.map((e) => e.state));
  const prevTotals = totalsOf(all.map((e) => e.was));
  const sinceAsc = (a: ClusterEntry, b: ClusterEntry): number => (a.since ?? "").localeCompare(b.since ?? "") || a.name.localeCompare(b.name);
  const byName = (a: ClusterEntry, b: ClusterEntry): number => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

  const newlyNonCompliant = current.filter((e) => e.state === "non_compliant" && e.was !== "non_compliant").sort((a, b) => b.failing.length - a.failing.length || byName(a, b));
  const stillFailing = current.filter((e) => e.state === "non_compliant" && e.was === "non_compliant").sort(sinceAsc);
  const fixed = current.filter((e) => e.state === "compliant" && e.was === "non_compliant").sort(byName);
  const becameUnknown = current.filter((e) => e.state === "unknown" && e.was !== "unknown").sort(byName);
  const stillUnknown = current.filter((e) => e.state === "unknown" && e.was === "unknown").sort(sinceAsc);
  const added = current.filter((e) => e.was === "absent" || e.was === "deleted").sort(byName);
  const removed = all.filter((e) => e.state === "deleted").sort(byName);

  const checks = new Map<string, CheckCount>();
  for (const e of current) {
    for (const f of [...e.failing, ...e.unknown]) {
      let c = checks.get(f.id);
      if (!c) checks.set(f.id, (c = { id: f.id, title: f.title, severity: f.severity, fail: 0, warn: 0, unknown: 0, newFail: 0 }));
      if (f.status === "fail") c.fail++;
      else if (f.status === "warn") c.warn++;
      else c.unknown++;
      if (f.isNew && f.status !== "unknown") c.newFail++;
    }
  }
  const topChecks = [...checks.values()]
    .filter((c) => c.fail + c.warn > 0)
    .sort((a, b) => b.fail - a.fail || b.warn - a.warn || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.id.localeCompare(b.id));

  const keys = current.map((e) => e.key);
  const soonMs = nowMs + (opts.expiringWithinDays ?? 14) * 86_400_000;
  const expiring = relevantSuppressions(data.suppressions, keys, (ms) => ms > nowMs && ms <= soonMs);
  const expired = relevantSuppressions(data.suppressions, keys, (ms) => ms > windowStartMs && ms <= nowMs);

  const trend = trendOf(
    all.map((e) => ({ current: e.state, ts: tsByCluster.get(e.key) ?? [] })),
    data.runs,
    opts.trendPoints ?? 12,
  );

  const toFix = [...newlyNonCompliant, ...stillFailing];
  const order = new Map<string, number>();
  [...toFix, ...becameUnknown, ...stillUnknown].forEach((e, i) => order.set(e.key, i));
  const clusters = [...current].sort((a, b) => (order.get(a.key) ?? 1e9) - (order.get(b.key) ?? 1e9) || byName(a, b));

  const latest = data.runs[0];
  const collection = latest && latest.errors.length > 0 ? { runId: latest.runId, startedAt: latest.startedAt, errors: latest.errors } : undefined;
  const subscriptions = new Set(current.map((e) => e.subscriptionId.toLowerCase())).size;
  const empty =
    totals.nonCompliant === 0 &&
    totals.unknown === 0 &&
    fixed.length === 0 &&
    removed.length === 0 &&
    expiring.length === 0 &&
    expired.length === 0 &&
    collection === undefined;

  return {
    generatedAt: now,
    period: opts.period,
    windowStart: opts.windowStart,
    windowEnd: now,
    everything: opts.everything ?? !opts.clusterKeys,
    recipients: opts.recipients ?? [],
    reasons: opts.reasons ?? [],
    subscriptions,
    totals,
    previous: prevTotals.clusters > 0 ? prevTotals : undefined,
    trend,
    newlyNonCompliant,
    fixed,
    stillFailing,
    becameUnknown,
    stillUnknown,
    added,
    removed,
    topChecks,
    expiring,
    expired,
    toFix,
    clusters,
    findingCount: current.reduce((n, e) => n + e.findings.length, 0),
    collection,
    empty,
  };
}
