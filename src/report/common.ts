/** Helpers shared by the human-facing renderers. Pure: no I/O. */
import type { AuditReport, CheckResult, ClusterReport, ClusterStatus, ReportSummary, Severity, Status } from "../model/types.js";

/** A check that needs someone's attention: everything except pass and not_applicable. */
export type FindingStatus = "fail" | "warn" | "unknown";

export function isFinding(check: CheckResult): check is CheckResult & { status: FindingStatus } {
  return check.status === "fail" || check.status === "warn" || check.status === "unknown";
}

const STATUS_RANK: Record<Status, number> = { fail: 0, warn: 1, unknown: 2, pass: 3, not_applicable: 4 };
const CLUSTER_RANK: Record<ClusterStatus, number> = { non_compliant: 0, unknown: 1, compliant: 2 };

/** Worst first; suppressed findings after live ones of the same status; catalogue order otherwise (stable). */
export function sortChecks(checks: readonly CheckResult[]): CheckResult[] {
  return checks.toSorted(
    (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || Number(a.suppressed !== undefined) - Number(b.suppressed !== undefined),
  );
}

/** Non-compliant first, then unknown, then compliant; report order within a status (stable). */
export function sortClusters(clusters: readonly ClusterReport[]): ClusterReport[] {
  return clusters.toSorted((a, b) => CLUSTER_RANK[a.status] - CLUSTER_RANK[b.status]);
}

export const CLUSTER_STATUS_LABEL: Record<ClusterStatus, string> = {
  compliant: "compliant",
  non_compliant: "non-compliant",
  unknown: "unknown",
};

export const STATUS_LABEL: Record<Status, string> = {
  pass: "pass",
  fail: "fail",
  warn: "warn",
  unknown: "unknown",
  not_applicable: "n/a",
};

/** Whole percent of compliant clusters, rounded down so 199/200 never shows as 100 %; undefined with no clusters. */
export function compliancePercent(summary: ReportSummary): number | undefined {
  if (summary.clusters <= 0) return undefined;
  return Math.floor((summary.compliant / summary.clusters) * 100);
}

/**
 * Deep link to a resource in the Azure portal. The id is percent-encoded character by character
 * outside a conservative safe set, so no id (however odd) can break out of a URL, attribute or link.
 */
export function portalUrl(resourceId: string): string {
  let encoded = "";
  for (const ch of resourceId) encoded += /^[A-Za-z0-9/._~-]$/.test(ch) ? ch : encodeURIComponent(ch);
  if (!encoded.startsWith("/")) encoded = `/${encoded}`;
  return `https://portal.azure.com/#@/resource${encoded}`;
}

/** The URL if it is absolute http(s), else undefined — a docsUrl from data must not become a `javascript:` link. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function suppressionText(check: CheckResult): string | undefined {
  const s = check.suppressed;
  if (s === undefined) return undefined;
  return s.expires ? `suppressed until ${s.expires}: ${s.reason}` : `suppressed: ${s.reason}`;
}

export interface CheckOverview {
  id: string;
  severity: Severity;
  title: string;
  counts: Record<Status, number>;
  /** Clusters where this check is fail/warn/unknown. */
  findings: number;
  suppressed: number;
}

/** Per-check counts across the fleet, in catalogue order (the report's `checks`, else first appearance). */
export function checkOverview(report: AuditReport): CheckOverview[] {
  const byId = new Map<string, CheckOverview>();
  const entry = (id: string, severity: Severity, title: string): CheckOverview => {
    let e = byId.get(id);
    if (e === undefined) {
      e = { id, severity, title, counts: { pass: 0, fail: 0, warn: 0, unknown: 0, not_applicable: 0 }, findings: 0, suppressed: 0 };
      byId.set(id, e);
    }
    return e;
  };
  for (const c of report.checks ?? []) entry(c.id, c.severity, c.title);
  for (const cluster of report.clusters) {
    for (const check of cluster.checks) {
      const e = entry(check.id, check.severity, check.title);
      e.counts[check.status] += 1;
      if (isFinding(check)) e.findings += 1;
      if (check.suppressed !== undefined) e.suppressed += 1;
    }
  }
  return [...byId.values()];
}

/** Findings per status; suppressed findings are counted apart because they no longer decide the cluster's status. */
export function findingCounts(cluster: ClusterReport): Record<FindingStatus | "suppressed", number> {
  const counts = { fail: 0, warn: 0, unknown: 0, suppressed: 0 };
  for (const check of cluster.checks) {
    if (!isFinding(check)) continue;
    if (check.suppressed !== undefined) counts.suppressed += 1;
    else counts[check.status] += 1;
  }
  return counts;
}

export const COUNT_KINDS = ["fail", "warn", "unknown", "suppressed"] as const;
