/** Plain-terminal report: a summary line, then each cluster with only the checks that need attention. */
import type { AuditReport, CheckResult, ClusterReport, ClusterStatus, Status } from "../model/types.js";
import { COUNT_KINDS, compliancePercent, findingCounts, isFinding, safeHttpUrl, sortChecks, sortClusters, suppressionText } from "./common.js";

export interface TableOptions {
  color: boolean;
  /** Terminal width used to wrap evidence; commands are never wrapped. Default 100. */
  width?: number;
}

const ESC = "\u001b[";
const SGR = { reset: `${ESC}0m`, bold: `${ESC}1m`, dim: `${ESC}2m`, red: `${ESC}31m`, green: `${ESC}32m`, yellow: `${ESC}33m`, grey: `${ESC}90m` };
type Style = keyof typeof SGR;

const STATUS_STYLE: Record<Status, Style[]> = {
  fail: ["red", "bold"],
  warn: ["yellow"],
  unknown: ["grey"],
  pass: ["green"],
  not_applicable: ["grey"],
};
const CLUSTER_STYLE: Record<ClusterStatus, Style[]> = { non_compliant: ["red", "bold"], unknown: ["grey", "bold"], compliant: ["green", "bold"] };
const CLUSTER_WORD: Record<ClusterStatus, string> = { non_compliant: "NON-COMPLIANT", unknown: "UNKNOWN", compliant: "COMPLIANT" };

/** Column where a check's evidence and fix start: "  " + status (7) + "  ". */
const DETAIL_INDENT = 11;

/**
 * Azure data is untrusted: a tag or message could carry ESC sequences that rewrite the terminal,
 * or bidi controls that reorder what is shown. Show them as visible escapes instead.
 */
export function sanitizeForTerminal(text: string): string {
  return text
    .replace(/\t/g, " ")
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Greedy word wrap; a single word longer than the width (an ARM id, a URL) stays whole. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\r\n|\r|\n/)) {
    let line = "";
    for (const word of paragraph.split(/ +/)) {
      if (word === "") continue;
      if (line === "") line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

export function renderTable(report: AuditReport, opts: TableOptions): string {
  const paint = (text: string, styles: readonly Style[]): string =>
    opts.color && styles.length > 0 ? `${styles.map((s) => SGR[s]).join("")}${text}${SGR.reset}` : text;
  const width = Math.max(40, opts.width ?? 100);
  const clean = sanitizeForTerminal;
  const lines: string[] = [];

  const { summary } = report;
  const pct = compliancePercent(summary);
  lines.push(`${paint("AKS backup audit", ["bold"])}  ${paint(`generated ${clean(report.generatedAt)}`, ["dim"])}`);
  lines.push(
    [
      `${summary.clusters} cluster${summary.clusters === 1 ? "" : "s"}:`,
      paint(`${summary.compliant} compliant`, summary.compliant > 0 ? ["green"] : []),
      paint(`${summary.nonCompliant} non-compliant`, summary.nonCompliant > 0 ? ["red", "bold"] : []),
      paint(`${summary.unknown} unknown`, summary.unknown > 0 ? ["grey"] : []),
    ].join("  ") + (pct === undefined ? "" : `  (${pct}% compliant)`),
  );

  const clusters = sortClusters(report.clusters);
  // A reduce, not Math.max(...ids): a large fleet has more check results than a call may take arguments.
  let idWidth = 9;
  for (const c of report.clusters) for (const k of c.checks) idWidth = Math.max(idWidth, clean(k.id).length);

  for (const cluster of clusters) {
    lines.push("");
    lines.push(clusterLine(cluster));
    for (const check of sortChecks(cluster.checks).filter(isFinding)) lines.push(...checkLines(check));
  }

  const errors = report.collection?.errors ?? [];
  if (errors.length > 0) {
    lines.push("", paint("Collection errors (checks that needed this data are unknown):", ["yellow", "bold"]));
    for (const e of errors) {
      const where = e.subscriptionId ? ` in subscription ${clean(e.subscriptionId)}` : "";
      lines.push(...wrapText(`${clean(e.kind)}${where}: ${clean(e.message)}`, width - 4).map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)));
    }
  }
  if (report.notes && report.notes.length > 0) {
    lines.push("", paint("Notes:", ["bold"]));
    for (const note of report.notes) lines.push(...wrapText(clean(note), width - 4).map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)));
  }
  return `${lines.join("\n")}\n`;

  function clusterLine(cluster: ClusterReport): string {
    const counts = findingCounts(cluster);
    const parts = COUNT_KINDS.filter((s) => counts[s] > 0).map((s) => paint(`${counts[s]} ${s}`, s === "suppressed" ? ["dim"] : STATUS_STYLE[s]));
    const where = `${clean(cluster.subscriptionId)}/${clean(cluster.resourceGroup)}${cluster.location ? ` · ${clean(cluster.location)}` : ""}`;
    return [
      paint(CLUSTER_WORD[cluster.status].padEnd(13), CLUSTER_STYLE[cluster.status]),
      paint(clean(cluster.name), ["bold"]),
      paint(where, ["dim"]),
      parts.length > 0 ? `(${parts.join(", ")})` : "",
    ]
      .filter((p) => p !== "")
      .join("  ");
  }

  function checkLines(check: CheckResult): string[] {
    const indent = " ".repeat(DETAIL_INDENT);
    const suppressed = suppressionText(check);
    const dimIfSuppressed = (styles: Style[]): Style[] => (suppressed ? ["dim"] : styles);
    const head = [
      "  " + paint(check.status.toUpperCase().padEnd(7), dimIfSuppressed(STATUS_STYLE[check.status])),
      paint(clean(check.id).padEnd(idWidth), dimIfSuppressed(["bold"])),
      paint(check.severity.padEnd(6), dimIfSuppressed([])),
      paint(clean(check.title), dimIfSuppressed([])),
    ].join("  ");
    const out = [head];
    if (suppressed) out.push(...wrapText(`(${clean(suppressed)})`, width - DETAIL_INDENT).map((l) => indent + paint(l, ["dim"])));
    if (check.evidence) out.push(...wrapText(clean(check.evidence), width - DETAIL_INDENT).map((l) => indent + l));
    if (check.remediation) {
      // Printed whole (never wrapped) so commands can be pasted as they are.
      out.push(indent + paint(check.status === "unknown" ? "Next step:" : "Fix:", ["dim"]));
      for (const l of check.remediation.split(/\r\n|\r|\n/)) if (l.trim() !== "") out.push(`${indent}  ${clean(l)}`);
    }
    const docs = safeHttpUrl(check.docsUrl);
    if (docs) out.push(indent + paint("Docs: ", ["dim"]) + docs);
    return out;
  }
}
