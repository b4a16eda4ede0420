/** The digest's plain-text part: the same content as the HTML, for clients and people that prefer text. */
import type { ClusterEntry, DigestModel, FindingLine } from "./compose.js";
import type { AttachmentInfo, Limits } from "./html.js";
import { subjectOf } from "./html.js";
import { dateTime, duration, periodLabel, shortDate } from "./period.js";

const date = (iso: string | undefined): string => (iso && !Number.isNaN(Date.parse(iso)) ? shortDate(new Date(iso)) : "-");
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Control characters from data would garble a terminal or a mail reader: shown as U+FFFD. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "\uFFFD");
}

function clip(s: string, max: number): string {
  const c = clean(s);
  return c.length <= max ? c : `${c.slice(0, max - 1).trimEnd()}…`;
}

function heading(title: string, n?: number): string {
  const t = n === undefined ? title : `${title} (${n})`;
  return `\n${t.toUpperCase()}\n${"-".repeat(t.length)}\n`;
}

function line(c: ClusterEntry, detail: string): string {
  return `* ${clean(c.name)} — ${clean(c.resourceGroup)}, ${clean(c.location)}, subscription ${clean(c.subscriptionId)}\n  ${detail}\n  ${c.portalUrl}\n`;
}

function more(n: number, what: string, a: AttachmentInfo): string {
  return n > 0 ? `… and ${plural(n, what)} more (all in ${a.name}).\n` : "";
}

function ids(list: readonly FindingLine[]): string {
  return list.map((f) => `${f.id} ${clean(f.title)}`).join("; ");
}

export function renderDigestText(m: DigestModel, l: Limits, a: AttachmentInfo): string {
  const t = m.totals;
  const out: string[] = [];
  out.push(`${subjectOf(m)}\n`);
  out.push(`${shortDate(m.windowStart)} – ${shortDate(m.windowEnd, true)} · ${plural(t.clusters, "cluster")} in ${plural(m.subscriptions, "subscription")}${m.everything ? " (whole fleet)" : ""}\n`);
  if (m.collection) {
    out.push(`\n!! The latest audit (${dateTime(new Date(m.collection.startedAt))}) could not read everything; checks that needed the data are unknown:\n`);
    for (const x of m.collection.errors.slice(0, 5)) out.push(`   - ${clean(x.kind)}${x.subscriptionId ? ` (subscription ${clean(x.subscriptionId)})` : ""}: ${clip(x.message, 240)}\n`);
  }
  const prev = m.previous?.percent;
  const delta = t.percent === undefined || prev === undefined ? "" : t.percent === prev ? ` (unchanged since ${shortDate(m.windowStart)})` : ` (${t.percent > prev ? "+" : ""}${t.percent - prev} points since ${shortDate(m.windowStart)})`;
  out.push(`\nCompliant: ${t.percent ?? "-"}%${delta}\nNon-compliant: ${t.nonCompliant}   Unknown: ${t.unknown}   Compliant: ${t.compliant}   Total: ${t.clusters}\n`);
  if (m.trend.length >= 2) out.push(`Trend: ${m.trend.map((p) => `${date(p.at)} ${p.totals.percent ?? 0}%`).join(" → ")}\n`);

  if (m.newlyNonCompliant.length) {
    out.push(heading("Newly non-compliant", m.newlyNonCompliant.length));
    for (const c of m.newlyNonCompliant.slice(0, l.changes)) out.push(line(c, `since ${date(c.since)}: ${ids(c.failing)}`));
    out.push(more(m.newlyNonCompliant.length - l.changes, "cluster", a));
  }
  if (m.fixed.length) {
    out.push(heading("Fixed", m.fixed.length));
    for (const c of m.fixed.slice(0, l.changes)) out.push(line(c, `compliant since ${date(c.since)}`));
    out.push(more(m.fixed.length - l.changes, "cluster", a));
  }
  if (m.stillFailing.length) {
    out.push(heading("Still failing", m.stillFailing.length));
    for (const c of m.stillFailing.slice(0, l.stillFailing)) {
      const d = c.since ? ` (${duration(m.generatedAt.getTime() - Date.parse(c.since))})` : "";
      out.push(line(c, `failing since ${date(c.since)}${d}: ${ids(c.failing)}`));
    }
    out.push(more(m.stillFailing.length - l.stillFailing, "cluster", a));
  }
  const unknown = [...m.becameUnknown, ...m.stillUnknown];
  if (unknown.length) {
    out.push(heading("Could not be decided", unknown.length));
    for (const c of unknown.slice(0, l.unknown)) out.push(line(c, `unknown since ${date(c.since)}: ${ids(c.unknown)}`));
    out.push(more(unknown.length - l.unknown, "cluster", a));
  }
  if (m.removed.length) {
    out.push(heading("Removed", m.removed.length));
    for (const c of m.removed.slice(0, l.changes)) out.push(`* ${clean(c.name)} (${clean(c.id)})\n`);
    out.push(more(m.removed.length - l.changes, "cluster", a));
  }
  if (m.topChecks.length) {
    out.push(heading("Most-failed checks"));
    for (const c of m.topChecks.slice(0, l.topChecks)) out.push(`* ${c.id} ${clean(c.title)} [${c.severity}]: ${plural(c.fail + c.warn, "cluster")}${c.newFail ? ` (${c.newFail} new)` : ""}\n`);
  }
  const supp = [...m.expired.map((s) => ({ ...s, expired: true })), ...m.expiring.map((s) => ({ ...s, expired: false }))];
  if (supp.length) {
    out.push(heading("Suppressions expiring soon", supp.length));
    for (const s of supp.slice(0, l.suppressions)) out.push(`* ${s.checkId} on ${clean(s.scope)}: ${s.expired ? "expired" : "expires"} ${date(s.expiresAt)} — ${clip(s.reason, 200)} (${clean(s.author)})\n`);
    out.push(more(supp.length - l.suppressions, "suppression", a));
  }
  if (m.toFix.length) {
    out.push(heading("What to fix", m.toFix.length));
    for (const c of m.toFix.slice(0, l.fixClusters)) {
      out.push(`\n== ${clean(c.name)} (${c.state.replace("_", "-")}) ==\n${clean(c.id)}\n${c.portalUrl}\n`);
      for (const f of c.failing.slice(0, l.fixChecksPerCluster)) {
        out.push(`\n  [${f.status.toUpperCase()}] ${f.id} ${clean(f.title)} (${f.severity}) — ${f.isNew ? "new, " : ""}since ${date(f.since)}\n`);
        if (f.evidence) out.push(`  ${clip(f.evidence, l.evidenceChars)}\n`);
        if (f.remediation) {
          const cmd = clean(f.remediation.replace(/\r\n|\r/g, "\n").replace(/\n+$/, ""));
          const shown = cmd.length > l.remediationChars ? `${cmd.slice(0, l.remediationChars)}\n    … (the full command is in ${a.name})` : cmd;
          out.push(`  Fix:\n${shown.split("\n").map((x) => `    ${x}`).join("\n")}\n`);
        }
      }
      const extra = c.failing.length - l.fixChecksPerCluster;
      if (extra > 0) out.push(`  … ${plural(extra, "more failing check")} in ${a.name}\n`);
    }
    out.push(more(m.toFix.length - l.fixClusters, "non-compliant cluster", a));
  }
  if (!t.nonCompliant && !t.unknown && t.clusters) out.push(`\nAll ${t.clusters} clusters meet the prerequisites of Azure Backup for AKS. Nothing to do this time.\n`);
  out.push(`\n--\n`);
  out.push(a.included < a.rows ? `${a.name} holds the first ${a.included} of ${a.rows} findings (message size limit).\n` : `${a.name} lists all ${a.rows} findings.\n`);
  if (m.reasons.length) out.push(`You receive this digest for: ${m.reasons.map(clean).join("; ")}.\n`);
  out.push(`aks-backup-auditor · ${periodLabel(m.period)} (${m.period.key}) · generated ${dateTime(m.generatedAt)}\n`);
  return out.join("");
}
