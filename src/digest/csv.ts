/**
 * The attachment: every finding (fail, warn, unknown — suppressed ones too, marked) of the group's
 * clusters, one row each. The columns of the report's CSV come first (same guard against formula
 * injection: report/csv.ts's `csvCell`), then what only the digest knows.
 */
import { CSV_COLUMNS, csvCell } from "../report/csv.js";
import type { ClusterEntry, DigestModel } from "./compose.js";

export const DIGEST_CSV_COLUMNS = [...CSV_COLUMNS, "findingSince", "newThisPeriod", "clusterStatusSince", "portalUrl"] as const;
type Column = (typeof DIGEST_CSV_COLUMNS)[number];

export interface CsvRows {
  header: string;
  rows: string[];
}

export function findingRows(model: Pick<DigestModel, "clusters">): CsvRows {
  const rows: string[] = [];
  const write = (cluster: ClusterEntry): void => {
    for (const f of cluster.findings) {
      const row: Record<Column, string> = {
        clusterId: cluster.id,
        clusterName: cluster.name,
        subscriptionId: cluster.subscriptionId,
        resourceGroup: cluster.resourceGroup,
        location: cluster.location,
        clusterStatus: cluster.state,
        checkId: f.id,
        severity: f.severity,
        status: f.status,
        suppressed: f.suppressed ? "true" : "false",
        title: f.title,
        evidence: f.evidence,
        remediation: f.remediation ?? "",
        suppressionReason: f.suppressed?.reason ?? "",
        suppressionExpires: f.suppressed?.expires ?? "",
        docsUrl: f.docsUrl ?? "",
        findingSince: f.since,
        newThisPeriod: f.isNew ? "true" : "false",
        clusterStatusSince: cluster.since ?? "",
        portalUrl: cluster.portalUrl,
      };
      rows.push(DIGEST_CSV_COLUMNS.map((c) => csvCell(row[c])).join(","));
    }
  };
  for (const c of model.clusters) write(c);
  return { header: DIGEST_CSV_COLUMNS.join(","), rows };
}

/** RFC 4180 with CRLF, and a UTF-8 byte-order mark so spreadsheet programs read non-ASCII names right. */
export function csvText(csv: CsvRows, count = csv.rows.length): string {
  const lines = [csv.header, ...csv.rows.slice(0, count)];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
