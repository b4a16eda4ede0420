/**
 * The digest as an HTML email. Email clients are not browsers: no script, no SVG, no external images
 * or fonts, and Outlook's Word engine ignores most CSS — so layout is nested tables, every style is
 * inline, colours are repeated as `bgcolor`, and the charts are table cells with a height. Everything
 * that came from Azure (names, ids, tags, evidence, commands) is escaped with the report's escaper;
 * links are the report's encoded portal URLs or http(s) documentation URLs.
 */
import { safeHttpUrl } from "../report/common.js";
import { escapeHtml as e } from "../report/html.js";
import type { CheckCount, ClusterEntry, DigestModel, FindingLine, SuppressionLine, Totals, TrendPoint } from "./compose.js";
import { dateTime, duration, periodLabel, shortDate } from "./period.js";

/** How many items each list shows before "… and N more (see the attachment)". */
export interface Limits {
  changes: number;
  stillFailing: number;
  unknown: number;
  topChecks: number;
  suppressions: number;
  fixClusters: number;
  fixChecksPerCluster: number;
  evidenceChars: number;
  remediationChars: number;
}

export const DEFAULT_LIMITS: Limits = {
  changes: 25,
  stillFailing: 30,
  unknown: 15,
  topChecks: 8,
  suppressions: 15,
  fixClusters: 15,
  fixChecksPerCluster: 8,
  evidenceChars: 500,
  remediationChars: 2500,
};

export interface AttachmentInfo {
  name: string;
  rows: number;
  /** Rows in the attachment; less than `rows` only when even the compressed file was too large. */
  included: number;
  zipped: boolean;
}

const C = {
  text: "#1b1f24",
  muted: "#5b6470",
  line: "#e3e6ea",
  page: "#f1f3f6",
  panel: "#ffffff",
  soft: "#f7f8fa",
  code: "#f4f6f8",
  accent: "#0b62c4",
  head: "#10263d",
  fail: "#c62828",
  failBg: "#fdecea",
  warn: "#a15c00",
  warnBg: "#fff4e0",
  unknown: "#5f6b7a",
  unknownBg: "#eceff3",
  pass: "#2e7d32",
  passBg: "#e8f5e9",
  bar: "#7aa7e0",
  track: "#eef1f5",
  barNow: "#0b62c4",
};
const BT = `border-top:1px solid ${C.line}`;
const SMALL = `color:${C.muted};font-size:12px`;
/** Long ARM ids in running text wrap instead of widening the message. */
const WRAP = "overflow-wrap:anywhere";
const FONT = `-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif`;
const MONO = `Consolas,Menlo,monospace`;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const date = (iso: string | undefined): string => (iso && !Number.isNaN(Date.parse(iso)) ? shortDate(new Date(iso)) : "—");

function badge(text: string, fg: string, bg: string): string {
  return `<span style="padding:0 6px;border-radius:9px;background:${bg};color:${fg};font-size:11px;font-weight:700">${e(text.toUpperCase())}</span>`;
}

const STATUS_BADGE: Record<string, [string, string, string]> = {
  fail: ["fail", C.fail, C.failBg],
  warn: ["warn", C.warn, C.warnBg],
  unknown: ["unknown", C.unknown, C.unknownBg],
  non_compliant: ["non-compliant", C.fail, C.failBg],
  compliant: ["compliant", C.pass, C.passBg],
  deleted: ["deleted", C.unknown, C.unknownBg],
  absent: ["new", C.accent, "#e8f0fb"],
};

function statusBadge(s: string): string {
  const [t, fg, bg] = STATUS_BADGE[s] ?? [s, C.unknown, C.unknownBg];
  return badge(t, fg, bg);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** A layout table: the attributes Outlook needs, then any style. */
function tbl(rows: string, style = ""): string {
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"${style ? ` style="${style}"` : ""}>${rows}</table>`;
}

function more(n: number, what: string, attachment: AttachmentInfo): string {
  if (n <= 0) return "";
  return `<p style="margin:8px 0 0;${SMALL}">… and ${e(plural(n, what))} more — every one is in the attached <b>${e(attachment.name)}</b>.</p>`;
}

function section(id: string, title: string, count: number | undefined, color: string, body: string, intro = ""): string {
  const pill = count === undefined ? "" : ` <span style="padding:1px 8px;border-radius:10px;background:${color};color:#fff;font-size:12px;vertical-align:2px">${count}</span>`;
  return `<tr><td id="${id}" class="px" style="padding:22px 28px 4px">
<h2 style="margin:0 0 4px;font-size:17px;line-height:24px">${e(title)}${pill}</h2>
${intro ? `<p style="margin:0 0 10px;${SMALL};font-size:13px">${intro}</p>` : ""}${body}
</td></tr>`;
}

function clusterLink(c: ClusterEntry): string {
  return `<a href="${e(c.portalUrl)}" style="color:${C.accent};font-weight:700;text-decoration:none;overflow-wrap:anywhere">${e(c.name)}</a>`;
}

/** Resource group, region and the subscription's first block (the portal link has the full id). */
function where(c: ClusterEntry): string {
  const sub = c.subscriptionId.split("-")[0] ?? c.subscriptionId;
  return `<div style="${SMALL};${WRAP}">${e(c.resourceGroup)} · ${e(c.location)} · sub ${e(sub)}…</div>`;
}

function checkList(list: readonly FindingLine[], max = 3): string {
  const shown = list.slice(0, max).map((f) => `<b>${e(f.id)}</b> ${e(f.title)}`);
  if (list.length > max) shown.push(`+${list.length - max} more`);
  return shown.join("<br>");
}

/** A compliance-coloured percentage. */
function pctColor(p: number | undefined): string {
  if (p === undefined) return C.unknown;
  return p >= 90 ? C.pass : p >= 60 ? C.warn : C.fail;
}

/** A table cell painted as a bar (Outlook honours bgcolor and height, not background images or divs). */
function barCell(color: string, height: number, width?: string): string {
  return `<td${width ? ` width="${width}"` : ""} height="${height}" bgcolor="${color}" style="background:${color};height:${height}px;line-height:${height}px;font-size:0">&nbsp;</td>`;
}

function stackedBar(t: Totals): string {
  if (t.clusters === 0) return "";
  const parts = [
    { n: t.compliant, color: C.pass },
    { n: t.unknown, color: "#9aa4b1" },
    { n: t.nonCompliant, color: C.fail },
  ].filter((p) => p.n > 0);
  return tbl(`<tr>${parts.map((p) => barCell(p.color, 10, `${((p.n / t.clusters) * 100).toFixed(2)}%`)).join("")}</tr>`);
}

function kpi(num: string, label: string, color: string): string {
  return `<td valign="middle" align="center" style="padding:10px 4px;border-left:1px solid ${C.line}"><div style="font-size:26px;line-height:30px;font-weight:700;color:${color}">${e(num)}</div><div style="${SMALL}">${e(label)}</div></td>`;
}

function deltaText(m: DigestModel): string {
  const now = m.totals.percent;
  const before = m.previous?.percent;
  const when = shortDate(m.windowStart);
  if (now === undefined) return "no clusters";
  if (before === undefined) return `first digest for these clusters`;
  const d = now - before;
  if (d === 0) return `unchanged since ${e(when)}`;
  const color = d > 0 ? C.pass : C.fail;
  return `<b style="color:${color}">${d > 0 ? "▲" : "▼"} ${Math.abs(d)} point${Math.abs(d) === 1 ? "" : "s"}</b> since ${e(when)} (${before}%)`;
}

function summaryBlock(m: DigestModel): string {
  const t = m.totals;
  const pct = t.percent === undefined ? "—" : `${t.percent}%`;
  return `<tr><td class="px" style="padding:22px 28px 6px">${tbl(
    `<tr>
<td valign="middle" width="34%" style="padding:10px 14px"><div style="${SMALL};text-transform:uppercase;letter-spacing:.5px">Compliant</div><div style="font-size:40px;line-height:46px;font-weight:800;color:${pctColor(t.percent)}">${e(pct)}</div><div style="${SMALL}">${deltaText(m)}</div></td>
${kpi(String(t.nonCompliant), "non-compliant", t.nonCompliant ? C.fail : C.muted)}${kpi(String(t.unknown), "unknown", t.unknown ? C.unknown : C.muted)}${kpi(String(t.compliant), "compliant", t.compliant ? C.pass : C.muted)}${kpi(String(t.clusters), t.clusters === 1 ? "cluster" : "clusters", C.text)}
</tr>
<tr><td colspan="5" style="padding:0 14px 12px">${stackedBar(t)}</td></tr>`,
    `border:1px solid ${C.line};border-radius:8px;border-collapse:separate`,
  )}</td></tr>`;
}

function headline(m: DigestModel): string {
  const bits: string[] = [];
  if (m.newlyNonCompliant.length) bits.push(`<b style="color:${C.fail}">${e(plural(m.newlyNonCompliant.length, "cluster"))} newly non-compliant</b>`);
  if (m.fixed.length) bits.push(`<b style="color:${C.pass}">${m.fixed.length} fixed</b>`);
  if (m.stillFailing.length) bits.push(`${m.stillFailing.length} still failing`);
  if (m.becameUnknown.length) bits.push(`${m.becameUnknown.length} became unknown`);
  if (m.removed.length) bits.push(`${m.removed.length} removed`);
  if (m.added.length) bits.push(`${m.added.length} new`);
  const text = bits.length ? `${bits.join(" · ")}.` : m.totals.clusters ? "No changes since the last digest." : "No clusters to report on.";
  return `<tr><td class="px" style="padding:4px 28px 0;font-size:14px;line-height:21px">${text}</td></tr>`;
}

function trendChart(m: DigestModel): string {
  const pts = m.trend;
  if (pts.length < 2) return "";
  const H = 80;
  const last = pts.length - 1;
  // Each run is a column: a grey track for 100 % with the compliant share filled from the bottom.
  const cols = pts
    .map((p, i) => {
      const v = p.totals.percent ?? 0;
      const h = Math.max(2, Math.round((v / 100) * H));
      const label = i === last ? `<b>${v}%</b>` : `${v}%`;
      const track = H - h > 0 ? `<tr>${barCell(C.track, H - h)}</tr>` : "";
      return `<td valign="bottom" align="center" style="padding:0 2px;font-size:11px;color:${i === last ? C.text : C.muted}">${label}${tbl(`${track}<tr>${barCell(i === last ? C.barNow : C.bar, h)}</tr>`)}</td>`;
    })
    .join("");
  // Day over month on two lines, so twelve labels fit a phone's width.
  const labels = pts
    .map((p, i) => {
      const d = new Date(p.at);
      const month = d.toLocaleString("en-GB", { month: "short", timeZone: "UTC" });
      return `<td align="center" style="padding:4px 0 0;font-size:11px;line-height:13px;color:${i === last ? C.text : C.muted}">${d.getUTCDate()}<br>${e(month)}</td>`;
    })
    .join("");
  const first = pts[0] as TrendPoint;
  const intro = `Share of clusters compliant after each of the last ${pts.length} audit days, ${e(date(first.at))} – ${e(date((pts[last] as TrendPoint).at))}.`;
  const body = tbl(`<tr>${cols}</tr>`, "table-layout:fixed") + tbl(`<tr>${labels}</tr>`, "table-layout:fixed");
  return section("trend", "Compliance trend", undefined, C.accent, body, intro);
}

function changeRows(list: readonly ClusterEntry[], limit: number, right: (c: ClusterEntry) => string, mid: (c: ClusterEntry) => string, withWhere = true): string {
  return list
    .slice(0, limit)
    .map(
      (c) => `<tr><td valign="top" width="38%" style="padding:8px 8px 8px 0;${BT}">${clusterLink(c)}${withWhere ? where(c) : ""}</td><td valign="top" style="padding:8px;${BT};font-size:13px;line-height:18px">${mid(c)}</td><td valign="top" align="right" width="22%" style="padding:8px 0 8px 6px;${BT};${SMALL}">${right(c)}</td></tr>`,
    )
    .join("\n");
}

function changesSections(m: DigestModel, l: Limits, a: AttachmentInfo): string {
  const out: string[] = [];
  const wasText = (c: ClusterEntry): string => (c.was === "absent" ? "new cluster" : c.was === "deleted" ? "re-appeared" : `was ${c.was === "compliant" ? "compliant" : c.was.replace("_", "-")}`);
  if (m.newlyNonCompliant.length) {
    const rows = changeRows(m.newlyNonCompliant, l.changes, (c) => `since ${e(date(c.since))}<br>${e(wasText(c))}`, (c) => checkList(c.failing));
    out.push(section("new", "Newly non-compliant", m.newlyNonCompliant.length, C.fail, tbl(rows) + more(m.newlyNonCompliant.length - l.changes, "cluster", a), "Broke since the last digest. The fixes are further down."));
  }
  if (m.fixed.length) {
    const rows = changeRows(m.fixed, l.changes, (c) => `fixed ${e(date(c.since))}`, (c) => (c.failing.length ? `compliant; ${e(plural(c.failing.length, "low-severity warning"))} left` : "compliant"));
    out.push(section("fixed", "Fixed", m.fixed.length, C.pass, tbl(rows) + more(m.fixed.length - l.changes, "cluster", a), "Non-compliant at the last digest, compliant now. Thank you."));
  }
  if (m.stillFailing.length) {
    const now = m.generatedAt.getTime();
    const rows = changeRows(
      m.stillFailing,
      l.stillFailing,
      (c) => (c.since ? `since ${e(date(c.since))}<br><b style="color:${C.fail}">${e(duration(now - Date.parse(c.since)))}</b>` : ""),
      (c) => checkList(c.failing, 2),
      false,
    );
    const hidden = m.stillFailing.length - l.stillFailing;
    const tail = hidden > 0 && l.fixClusters >= m.toFix.length ? `<p style="margin:8px 0 0;${SMALL}">… and ${e(plural(hidden, "cluster"))} more, each under <b>What to fix</b> below.</p>` : more(hidden, "cluster", a);
    out.push(section("still", "Still failing", m.stillFailing.length, "#8e2a2a", tbl(rows) + tail, "Non-compliant at the last digest and still now, longest first."));
  }
  const unknown = [...m.becameUnknown, ...m.stillUnknown];
  if (unknown.length) {
    const rows = changeRows(
      unknown,
      l.unknown,
      (c) => `since ${e(date(c.since))}`,
      (c) => `${checkList(c.unknown, 2)}${c.unknown[0] ? `<div style="${SMALL};${WRAP}">${e(clip(c.unknown[0].evidence, 160))}</div>` : ""}`,
    );
    out.push(section("unknown", "Could not be decided", unknown.length, C.unknown, tbl(rows) + more(unknown.length - l.unknown, "cluster", a), "The audit could not see enough to decide: usually missing read access, or data that was not collected."));
  }
  if (m.removed.length) {
    const rows = changeRows(m.removed, l.changes, () => "deleted", () => "no longer found in the audited scope");
    out.push(section("removed", "Removed", m.removed.length, C.unknown, tbl(rows) + more(m.removed.length - l.changes, "cluster", a)));
  }
  return out.join("\n");
}

function topChecksSection(m: DigestModel, l: Limits): string {
  if (!m.topChecks.length || l.topChecks <= 0) return "";
  const max = Math.max(...m.topChecks.map((c) => c.fail + c.warn));
  const row = (c: CheckCount): string => {
    const n = c.fail + c.warn;
    const w = Math.max(3, Math.round((n / max) * 100));
    const color = c.fail ? C.fail : C.warn;
    return `<tr><td valign="top" style="padding:7px 8px 7px 0;${BT};font-size:13px;font-weight:700;white-space:nowrap">${e(c.id)}</td><td valign="top" style="padding:7px 8px;${BT};font-size:13px;line-height:18px">${e(c.title)}<div style="${SMALL};font-size:11px;text-transform:uppercase">${e(c.severity)}${c.newFail ? ` · <span style="color:${C.fail}">${c.newFail} new</span>` : ""}</div></td><td valign="middle" width="28%" style="padding:7px 0 7px 8px;${BT}">${tbl(`<tr>${barCell(color, 8, `${w}%`)}${w < 100 ? "<td></td>" : ""}</tr>`)}</td><td valign="middle" align="right" style="padding:7px 0 7px 8px;${BT};font-size:13px;font-weight:700;color:${color}">${n}</td></tr>`;
  };
  const body = tbl(m.topChecks.slice(0, l.topChecks).map(row).join("\n"));
  const rest = m.topChecks.length - l.topChecks;
  return section("checks", "Most-failed checks", undefined, C.accent, body + (rest > 0 ? `<p style="margin:8px 0 0;${SMALL}">… and ${e(plural(rest, "other check"))}.</p>` : ""), "Clusters failing (or warning on) each check. A fix that repeats across clusters is the cheapest win.");
}

function suppressionSection(m: DigestModel, l: Limits, a: AttachmentInfo): string {
  const list: (SuppressionLine & { expired: boolean })[] = [...m.expired.map((s) => ({ ...s, expired: true })), ...m.expiring.map((s) => ({ ...s, expired: false }))];
  if (!list.length) return "";
  const rows = list
    .slice(0, l.suppressions)
    .map(
      (s) =>
        `<tr><td valign="top" style="padding:8px 8px 8px 0;${BT};font-size:13px;font-weight:700;white-space:nowrap">${e(s.checkId)}</td><td valign="top" style="padding:8px;${BT};font-size:13px;line-height:18px">${e(clip(s.reason, 200))}<div style="${SMALL};${WRAP}">${e(s.author)} · ${e(plural(s.clusters, "cluster"))} · ${e(s.scope)}</div></td><td valign="top" align="right" style="padding:8px 0 8px 6px;${BT};font-size:12px;font-weight:700;color:${s.expired ? C.fail : C.warn}">${s.expired ? "expired" : "expires"} ${e(date(s.expiresAt))}</td></tr>`,
    )
    .join("\n");
  return section("suppressions", "Suppressions expiring soon", list.length, C.warn, tbl(rows) + more(list.length - l.suppressions, "suppression", a), "When a suppression expires, its findings count again: renew it with a reason, or fix the finding.");
}

function remediationBlock(text: string, max: number, attachmentName: string): string {
  const clean = text.replace(/\r\n|\r/g, "\n").replace(/\n+$/, "");
  let shown = clean;
  let note = "";
  if (clean.length > max) {
    const cut = clean.lastIndexOf("\n", max);
    shown = clean.slice(0, cut > 0 ? cut : max);
    note = `<div style="${SMALL}">The full command is in ${e(attachmentName)} (remediation column).</div>`;
  }
  // Long lines wrap at spaces (ids only where they must); a copied line is still one command.
  return `<pre style="margin:6px 0 0;padding:8px;background:${C.code};border-radius:6px;font:12px/17px ${MONO};white-space:pre-wrap;${WRAP}">${e(shown)}</pre>${note}`;
}

function findingBlock(f: FindingLine, l: Limits, m: DigestModel, a: AttachmentInfo): string {
  const docs = safeHttpUrl(f.docsUrl);
  const since = f.isNew ? `<b style="color:${C.fail}">new</b> since ${e(date(f.since))}` : `${f.status === "warn" ? "warning" : "failing"} since ${e(date(f.since))} (${e(duration(m.generatedAt.getTime() - Date.parse(f.since)))})`;
  const link = docs ? ` · <a href="${e(docs)}" style="color:${C.accent}">docs</a>` : "";
  return `<tr><td style="padding:10px 0;${BT}"><div style="font-size:14px;line-height:21px">${statusBadge(f.status)} <b>${e(f.id)}</b> ${e(f.title)} <span style="${SMALL}">${e(f.severity)} · ${since}${link}</span></div>${
    f.evidence ? `<div style="color:${C.muted};font-size:13px;margin-top:3px;${WRAP}">${e(clip(f.evidence, l.evidenceChars))}</div>` : ""
  }${f.remediation ? remediationBlock(f.remediation, l.remediationChars, a.name) : ""}</td></tr>`;
}

function fixSection(m: DigestModel, l: Limits, a: AttachmentInfo): string {
  if (!m.toFix.length || l.fixClusters <= 0) return "";
  const cards = m.toFix.slice(0, l.fixClusters).map((c) => {
    const shown = c.failing.slice(0, l.fixChecksPerCluster);
    const extra = c.failing.length - shown.length;
    const notes: string[] = [];
    if (extra > 0) notes.push(`${plural(extra, "more failing check")} in ${e(a.name)}`);
    if (c.unknown.length) notes.push(`${plural(c.unknown.length, "check")} could not be decided${c.unknown.length <= 4 ? ` (${c.unknown.map((u) => e(u.id)).join(", ")})` : ""}`);
    if (c.suppressedCount) notes.push(`${plural(c.suppressedCount, "suppressed finding")}`);
    const tags = Object.entries(c.tags)
      .slice(0, 6)
      .map(([k, v]) => `${e(k)}: ${e(v)}`)
      .join(" · ");
    return tbl(
      `<tr><td style="padding:10px 14px 8px;background:${C.soft}">${tbl(
        `<tr><td valign="top" style="font-size:16px;line-height:22px">${clusterLink(c)} ${statusBadge(c.state)}</td><td valign="top" align="right" style="padding-left:8px;font-size:12px;white-space:nowrap"><a href="${e(c.portalUrl)}" style="color:${C.accent}">Azure portal ↗</a></td></tr>`,
      )}<div style="${SMALL};${WRAP}">${e(c.resourceGroup)} · ${e(c.location)} · subscription ${e(c.subscriptionId)}${tags ? `<br>${tags}` : ""}</div></td></tr>
<tr><td style="padding:0 14px 4px">${tbl(shown.map((f) => findingBlock(f, l, m, a)).join("\n"))}${notes.length ? `<p style="margin:0 0 8px;${SMALL}">${notes.join(" · ")}</p>` : ""}</td></tr>`,
      `margin:0 0 14px;border:1px solid ${C.line};border-left:4px solid ${C.fail};border-radius:6px;border-collapse:separate`,
    );
  });
  return section(
    "fix",
    "What to fix",
    m.toFix.length,
    C.fail,
    cards.join("\n") + more(m.toFix.length - l.fixClusters, "non-compliant cluster", a),
    "Each failed check with the commands that fix it, names filled in. Newly non-compliant clusters first, then the longest failing.",
  );
}

function collectionAlert(m: DigestModel): string {
  if (!m.collection) return "";
  const items = m.collection.errors
    .slice(0, 5)
    .map((x) => `<li><b>${e(x.kind)}</b>${x.subscriptionId ? ` (subscription ${e(x.subscriptionId)})` : ""}: ${e(clip(x.message, 240))}</li>`)
    .join("");
  const rest = m.collection.errors.length - 5;
  return `<tr><td class="px" style="padding:16px 28px 0"><div style="border:1px solid ${C.warn};background:${C.warnBg};border-radius:8px;padding:10px 14px;font-size:13px;line-height:19px">
<b>The latest audit (${e(dateTime(new Date(m.collection.startedAt)))}) could not read everything.</b> Checks that needed the missing data are reported as unknown, never as passing.
<ul style="margin:6px 0 0;padding-left:18px">${items}${rest > 0 ? `<li>… and ${rest} more</li>` : ""}</ul></div></td></tr>`;
}

function allGood(m: DigestModel): string {
  if (!m.totals.clusters || m.totals.nonCompliant || m.totals.unknown) return "";
  return `<tr><td class="px" style="padding:18px 28px 0"><div style="border:1px solid ${C.pass};background:${C.passBg};border-radius:8px;padding:12px 14px;font-size:14px"><b style="color:${C.pass}">All ${m.totals.clusters} clusters meet the prerequisites of Azure Backup for AKS.</b> Nothing to do this time.</div></td></tr>`;
}

export function subjectOf(m: DigestModel): string {
  const t = m.totals;
  const parts: string[] = [];
  if (t.nonCompliant) {
    const news = m.newlyNonCompliant.length ? `${m.newlyNonCompliant.length} new` : "";
    const fixed = m.fixed.length ? `${m.fixed.length} fixed` : "";
    const extra = [news, fixed].filter(Boolean).join(", ");
    parts.push(`${t.nonCompliant} non-compliant${extra ? ` (${extra})` : ""}`);
  } else if (m.fixed.length) parts.push(`all fixed (${m.fixed.length})`);
  if (t.percent !== undefined) parts.push(`${t.percent}% compliant`);
  else parts.push("no clusters");
  return `AKS backup digest · ${periodLabel(m.period)}: ${parts.join(" · ")}`;
}

export function preheaderOf(m: DigestModel): string {
  const t = m.totals;
  const bits = [`${m.newlyNonCompliant.length} newly non-compliant`, `${m.fixed.length} fixed`, `${m.stillFailing.length} still failing`];
  return `${bits.join(", ")}. ${t.percent ?? 0}% of ${plural(t.clusters, "cluster")} compliant.`;
}

/** Clients that read <style> (Gmail, Apple Mail, Outlook on the web) get narrower margins on a phone. */
const RESPONSIVE = `@media (max-width:600px){.px{padding-left:14px!important;padding-right:14px!important}.outer{padding:0!important}}`;

export function renderDigestHtml(m: DigestModel, l: Limits, a: AttachmentInfo): string {
  const subject = subjectOf(m);
  const scope = `${plural(m.totals.clusters, "cluster")} in ${plural(m.subscriptions, "subscription")}`;
  const window = `${shortDate(m.windowStart)} – ${shortDate(m.windowEnd, true)}`;
  const csvNote =
    a.included < a.rows
      ? `The attached <b>${e(a.name)}</b> holds the first ${a.included} of ${a.rows} findings (the message size limit); <code>aks-backup-audit results --format csv</code> prints them all.`
      : `The attached <b>${e(a.name)}</b> lists ${a.rows === 1 ? "the one finding" : `all ${a.rows} findings`} (fail, warn and unknown; suppressed ones marked), one row per cluster and check, with the fix.`;
  const reasons = m.reasons.length ? `You receive this digest for: ${m.reasons.slice(0, 10).map((r) => e(r)).join("; ")}${m.reasons.length > 10 ? `; and ${m.reasons.length - 10} more` : ""}.` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${e(subject)}</title>
<style>${RESPONSIVE}</style>
</head>
<body style="margin:0;padding:0;background:${C.page};color:${C.text};font-family:${FONT}">
<div style="display:none;max-height:0;overflow:hidden">${e(preheaderOf(m))}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${C.page}" style="background:${C.page}">
<tr><td align="center" class="outer" style="padding:24px 10px">
<table role="presentation" width="680" cellpadding="0" cellspacing="0" border="0" bgcolor="${C.panel}" style="width:100%;max-width:680px;background:${C.panel};border:1px solid ${C.line};border-radius:10px;border-collapse:separate;font-family:${FONT};color:${C.text}">
<tr><td bgcolor="${C.head}" class="px" style="background:${C.head};padding:22px 28px;border-radius:10px 10px 0 0">
<div style="font-size:12px;line-height:16px;letter-spacing:1.2px;text-transform:uppercase;color:#9fb8d4;font-weight:700">AKS backup compliance digest</div>
<div style="font-size:24px;line-height:32px;font-weight:700;color:#ffffff;margin-top:4px">${e(periodLabel(m.period))}</div>
<div style="font-size:13px;line-height:19px;color:#c8d6e6">${e(window)} · ${e(scope)}${m.everything ? " · whole fleet" : ""}</div>
</td></tr>
${collectionAlert(m)}
${summaryBlock(m)}
${headline(m)}
${allGood(m)}
${trendChart(m)}
${changesSections(m, l, a)}
${topChecksSection(m, l)}
${suppressionSection(m, l, a)}
${fixSection(m, l, a)}
<tr><td class="px" style="padding:22px 28px 24px;${BT};${SMALL}">
<p style="margin:0 0 8px">${csvNote}</p>
${reasons ? `<p style="margin:0 0 8px">${reasons}</p>` : ""}
<p style="margin:0 0 8px">A cluster is non-compliant when a high- or medium-severity prerequisite of Azure Backup for AKS fails, and unknown when one could not be checked. Suppressed findings do not count until their suppression expires.</p>
<p style="margin:0">Sent by aks-backup-auditor · ${e(m.period.key)} · generated ${e(dateTime(m.generatedAt))}. Preview it any time: <code>aks-backup-audit digest --preview digest.html</code></p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}
