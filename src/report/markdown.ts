/** Markdown report (GitHub / Azure DevOps flavoured): for PR comments, wikis and pipeline summaries. */
import type { AuditReport, CheckResult, ClusterReport, ClusterStatus, Status } from "../model/types.js";
import {
  CLUSTER_STATUS_LABEL,
  COUNT_KINDS,
  checkOverview,
  compliancePercent,
  findingCounts,
  isFinding,
  portalUrl,
  safeHttpUrl,
  sortChecks,
  sortClusters,
  suppressionText,
} from "./common.js";

const CLUSTER_ICON: Record<ClusterStatus, string> = { non_compliant: "❌", unknown: "❔", compliant: "✅" };
const STATUS_CELL: Record<Status, string> = { fail: "❌ fail", warn: "⚠️ warn", unknown: "❔ unknown", pass: "✅ pass", not_applicable: "n/a" };

/**
 * Inline text from Azure data: backslash-escape every character that could start markup here
 * (emphasis, links, raw HTML, entities, table pipes, headings' closing #, math `$`), and fold line
 * breaks so a value can never leave its table cell or heading.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "\uFFFD")
    .replace(/\r\n|\r|\n/g, " ")
    .replace(/[\\`*_{}[\]<>#+!|~&$]/g, "\\$&");
}

/** Like escapeMarkdown, but keeps line breaks as `<br>` (for multi-line evidence in a table cell). */
function escapeCell(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => escapeMarkdown(l))
    .join("<br>");
}

/** A fenced block that no backtick run inside the content can close early. */
export function fencedBlock(content: string, info = ""): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${content.replace(/\r\n|\r/g, "\n").replace(/\n+$/, "")}\n${fence}`;
}

/** `<…>` link destination; portalUrl/safeHttpUrl already percent-encode anything that could end it. */
function link(text: string, url: string): string {
  return `[${escapeMarkdown(text)}](<${url.replace(/[<>\s]/g, (ch) => encodeURIComponent(ch))}>)`;
}

export function renderMarkdown(report: AuditReport): string {
  const out: string[] = [];
  const { summary } = report;
  const pct = compliancePercent(summary);

  out.push("# AKS backup audit", "");
  const when = [`Generated ${escapeMarkdown(report.generatedAt)}`];
  if (report.collection?.referenceTime) when.push(`reference time ${escapeMarkdown(report.collection.referenceTime)}`);
  out.push(when.join(" · "), "");
  out.push(
    "| Clusters | ✅ Compliant | ❌ Non-compliant | ❔ Unknown | Compliance |",
    "|---:|---:|---:|---:|---:|",
    `| ${summary.clusters} | ${summary.compliant} | ${summary.nonCompliant} | ${summary.unknown} | ${pct === undefined ? "—" : `${pct}%`} |`,
    "",
  );

  const errors = report.collection?.errors ?? [];
  if (errors.length > 0) {
    out.push("> **Collection was incomplete**: checks that needed this data are reported as unknown.", ">");
    for (const e of errors) {
      const where = e.subscriptionId ? ` (subscription ${escapeMarkdown(e.subscriptionId)})` : "";
      out.push(`> - **${escapeMarkdown(e.kind)}**${where}: ${escapeMarkdown(e.message)}`);
    }
    out.push("");
  }

  const overview = checkOverview(report).filter((c) => c.findings > 0);
  if (overview.length > 0) {
    out.push("## Checks with findings", "");
    out.push("| Check | Severity | Title | Fail | Warn | Unknown |", "|---|---|---|---:|---:|---:|");
    for (const c of overview) {
      out.push(
        `| ${escapeMarkdown(c.id)} | ${escapeMarkdown(c.severity)} | ${escapeMarkdown(c.title)} | ${c.counts.fail} | ${c.counts.warn} | ${c.counts.unknown} |`,
      );
    }
    out.push("");
  }

  out.push("## Clusters", "");
  if (report.clusters.length === 0) out.push("_No clusters were audited._", "");
  for (const cluster of sortClusters(report.clusters)) out.push(...clusterSection(cluster));

  if (report.notes && report.notes.length > 0) {
    out.push("## Notes", "");
    for (const note of report.notes) out.push(`- ${escapeMarkdown(note)}`);
    out.push("");
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}

function clusterSection(cluster: ClusterReport): string[] {
  const out: string[] = [];
  out.push(`### ${CLUSTER_ICON[cluster.status]} ${escapeMarkdown(cluster.name)} — ${CLUSTER_STATUS_LABEL[cluster.status]}`, "");
  const meta = [
    `Subscription ${escapeMarkdown(cluster.subscriptionId)}`,
    `resource group ${escapeMarkdown(cluster.resourceGroup)}`,
  ];
  if (cluster.location) meta.push(escapeMarkdown(cluster.location));
  meta.push(link("Open in Azure portal", portalUrl(cluster.id)));
  out.push(meta.join(" · "), "");

  const findings = sortChecks(cluster.checks).filter(isFinding);
  if (findings.length === 0) {
    out.push("All checks pass or do not apply.", "");
    return out;
  }
  const counts = findingCounts(cluster);
  const passed = cluster.checks.filter((c) => c.status === "pass").length;
  const parts = COUNT_KINDS.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  out.push([...parts, `${passed} pass`].join(" · "), "");
  out.push("| Status | Check | Severity | Title | Evidence |", "|---|---|---|---|---|");
  for (const check of findings) {
    const suppressed = suppressionText(check);
    const status = suppressed ? `${STATUS_CELL[check.status]} (${escapeMarkdown(suppressed)})` : STATUS_CELL[check.status];
    out.push(
      `| ${status} | ${escapeMarkdown(check.id)} | ${escapeMarkdown(check.severity)} | ${escapeMarkdown(check.title)} | ${escapeCell(check.evidence)} |`,
    );
  }
  out.push("");

  const withFix = findings.filter((c) => c.remediation || safeHttpUrl(c.docsUrl));
  if (withFix.length > 0) {
    out.push("#### Remediation", "");
    for (const check of withFix) out.push(...remediationBlock(check));
  }
  return out;
}

function remediationBlock(check: CheckResult): string[] {
  const out = [`**${escapeMarkdown(check.id)}** ${escapeMarkdown(check.title)}`, ""];
  if (check.remediation) out.push(fencedBlock(check.remediation, check.status === "unknown" ? "text" : "sh"), "");
  const docs = safeHttpUrl(check.docsUrl);
  if (docs) out.push(link("Documentation", docs), "");
  return out;
}
