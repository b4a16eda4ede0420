/** CSV export: one row per (cluster, check), for spreadsheets and ad-hoc filtering. RFC 4180, CRLF. */
import type { AuditReport } from "../model/types.js";

export const CSV_COLUMNS = [
  "clusterId",
  "clusterName",
  "subscriptionId",
  "resourceGroup",
  "location",
  "clusterStatus",
  "checkId",
  "severity",
  "status",
  "suppressed",
  "title",
  "evidence",
  "remediation",
  // Extra columns after the agreed ones, so positional consumers keep working.
  "suppressionReason",
  "suppressionExpires",
  "docsUrl",
] as const;

/**
 * One cell. Values a spreadsheet would evaluate as a formula (leading = + - @, tab or CR — OWASP
 * "CSV injection") get a leading apostrophe, then the RFC 4180 quoting applies.
 */
export function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function renderCsv(report: AuditReport): string {
  const rows: string[] = [CSV_COLUMNS.join(",")];
  for (const cluster of report.clusters) {
    for (const check of cluster.checks) {
      const row: Record<(typeof CSV_COLUMNS)[number], string> = {
        clusterId: cluster.id,
        clusterName: cluster.name,
        subscriptionId: cluster.subscriptionId,
        resourceGroup: cluster.resourceGroup,
        location: cluster.location,
        clusterStatus: cluster.status,
        checkId: check.id,
        severity: check.severity,
        status: check.status,
        suppressed: check.suppressed ? "true" : "false",
        title: check.title,
        evidence: check.evidence,
        remediation: check.remediation ?? "",
        suppressionReason: check.suppressed?.reason ?? "",
        suppressionExpires: check.suppressed?.expires ?? "",
        docsUrl: check.docsUrl ?? "",
      };
      rows.push(CSV_COLUMNS.map((col) => csvCell(row[col])).join(","));
    }
  }
  return `${rows.join("\r\n")}\r\n`;
}
