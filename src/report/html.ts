/**
 * One self-contained HTML file: inline CSS and script, no network at all (a CSP with hashes says so),
 * readable with JavaScript off (everything open, filters absent) and on paper.
 */
import { createHash } from "node:crypto";
import type { AuditReport, CheckResult, ClusterReport, ClusterStatus, Status } from "../model/types.js";
import {
  COUNT_KINDS,
  STATUS_LABEL,
  type CheckOverview,
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

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text or attribute value from the report. C0 controls (bar tab/LF/CR) are not allowed in HTML: replaced. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "\uFFFD");
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: `<` (and `>`, `&`) escaped
 * so no value can close the element or open a comment; the result still parses to the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** What the inline script needs; the index of each entry matches a cluster's `data-idx`. */
export interface HtmlScriptData {
  clusters: { id: string; name: string; subscriptionId: string; resourceGroup: string; location: string; status: ClusterStatus; findings: string[] }[];
}

const CSS = `
:root{color-scheme:light dark;--bg:#f6f7f9;--panel:#fff;--text:#1b1f24;--muted:#5b6470;--line:#d9dde3;--code:#f0f2f5;
--fail:#c62828;--fail-bg:#fdecea;--warn:#a15c00;--warn-bg:#fff4e0;--unknown:#5f6b7a;--unknown-bg:#eceff3;--pass:#2e7d32;--pass-bg:#e8f5e9;--na:#8a929c;--na-bg:#f3f4f6;--accent:#0b62c4}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--panel:#1a1e24;--text:#e6e9ee;--muted:#9aa4b1;--line:#2e343d;--code:#232931;
--fail:#ff8a80;--fail-bg:#3b1d1d;--warn:#ffc266;--warn-bg:#3a2c12;--unknown:#b0bac6;--unknown-bg:#2a3038;--pass:#81c784;--pass-bg:#1c3320;--na:#8a929c;--na-bg:#22272e;--accent:#6cb2ff}}
*{box-sizing:border-box}
html{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;background:var(--bg);color:var(--text)}
body{margin:0 auto;max-width:1400px;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.2rem;margin:28px 0 10px}
a{color:var(--accent)}
code,pre{font:0.86rem/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
.meta{color:var(--muted);margin:0}
[hidden]{display:none!important}
html:not(.js) .js-only{display:none!important}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-top:18px}
.card{background:var(--panel);border:1px solid var(--line);border-left-width:5px;border-radius:8px;padding:12px 14px}
.card .num{display:block;font-size:1.9rem;font-weight:700;line-height:1.1}.card .lbl{color:var(--muted)}
.card.c-non_compliant{border-left-color:var(--fail)}.card.c-non_compliant .num{color:var(--fail)}
.card.c-unknown{border-left-color:var(--unknown)}.card.c-compliant{border-left-color:var(--pass)}.card.c-compliant .num{color:var(--pass)}
.card.c-pct{border-left-color:var(--accent)}
html.js .card[data-filter-status],html.js tr[data-check-filter]{cursor:pointer}
html.js .card[data-filter-status]:hover,.card.active{outline:2px solid var(--accent)}
.bar{display:block;width:100%;height:8px;margin-top:8px;border-radius:4px;background:var(--na-bg)}
.bar .s-fail,.bar .s-non_compliant{fill:var(--fail)}.bar .s-warn{fill:var(--warn)}.bar .s-unknown{fill:var(--unknown)}
.bar .s-pass,.bar .s-compliant{fill:var(--pass)}.bar .s-not_applicable{fill:var(--na)}
.alert{background:var(--warn-bg);border:1px solid var(--warn);border-radius:8px;padding:10px 14px;margin-top:16px}
.alert h2{margin:0 0 6px;font-size:1rem}.alert ul{margin:0;padding-left:20px}
.notes{color:var(--muted)}.notes ul{margin:4px 0;padding-left:20px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:var(--panel)}
th,td{text-align:left;vertical-align:top;padding:7px 10px;border-bottom:1px solid var(--line)}
th{font-weight:600;color:var(--muted);font-size:.85rem;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.n.zero{color:var(--muted)}
table.overview td.n.fail:not(.zero){color:var(--fail);font-weight:700}table.overview td.n.warn:not(.zero){color:var(--warn);font-weight:700}
table.overview td.dist{min-width:120px;vertical-align:middle}
table.overview tr.active{background:var(--code);outline:2px solid var(--accent)}
html.js table.overview tbody tr:hover{background:var(--code)}
.hint{color:var(--muted);font-size:.85rem}
.filters{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin-bottom:12px;position:sticky;top:0;z-index:2}
.filters label{display:flex;gap:6px;align-items:center}
.filters input[type=search]{min-width:260px}
.filters select,.filters input,.filters button{font:inherit;padding:3px 6px}
.filters output{margin-left:auto;color:var(--muted)}
details.cluster{background:var(--panel);border:1px solid var(--line);border-left:5px solid var(--unknown);border-radius:8px;margin:0 0 10px}
details.cluster.c-non_compliant{border-left-color:var(--fail)}details.cluster.c-compliant{border-left-color:var(--pass)}
details.cluster>summary{cursor:pointer;padding:10px 14px;display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center}
details.cluster>summary::marker{color:var(--muted)}
.cname{font-weight:700;font-size:1.05rem;overflow-wrap:anywhere}
.where{color:var(--muted);overflow-wrap:anywhere}
.chips{display:flex;gap:6px;flex-wrap:wrap}
.portal{margin-left:auto;white-space:nowrap}
.cbody{padding:0 14px 14px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 12px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
.tag{display:inline-block;background:var(--code);border-radius:4px;padding:0 6px;margin:0 4px 2px 0}
.badge{display:inline-block;border-radius:999px;padding:1px 9px;font-size:.8rem;font-weight:600;white-space:nowrap;border:1px solid currentColor;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.b-fail,.b-non_compliant{color:var(--fail);background:var(--fail-bg)}
.b-warn{color:var(--warn);background:var(--warn-bg)}
.b-unknown{color:var(--unknown);background:var(--unknown-bg)}
.b-pass,.b-compliant{color:var(--pass);background:var(--pass-bg)}
.b-not_applicable,.b-suppressed{color:var(--na);background:var(--na-bg)}
.sev{font-size:.78rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}.sev-high{color:var(--fail)}.sev-medium{color:var(--warn)}
table.checks td.cid,td.cid{white-space:nowrap;font-weight:600}
table.checks tr.ok td{color:var(--muted)}
table.checks tr.hl{outline:2px solid var(--accent);outline-offset:-2px}
.only-findings table.checks tr.ok{display:none}
.ctitle{font-weight:600}
.evidence{white-space:pre-wrap;overflow-wrap:anywhere;margin-top:2px}
.suppr{color:var(--muted);font-style:italic;margin-top:2px}
td.fixcell{width:45%;max-width:0}
.fix{display:flex;flex-direction:column;align-items:flex-end;gap:3px}
.fix pre{align-self:stretch;margin:0;background:var(--code);border-radius:6px;padding:8px 10px;overflow-x:auto;white-space:pre}
.fix .copy{order:-1;font:inherit;font-size:.75rem;padding:0 8px;border:1px solid var(--line);border-radius:4px;background:var(--panel);color:var(--text);cursor:pointer}
.docs{display:inline-block;margin-top:4px;font-size:.85rem}
footer{color:var(--muted);font-size:.8rem;margin-top:28px}
@media print{
html{background:#fff;color:#000;font-size:11pt}body{max-width:none;padding:0}
.filters,.copy,.hint,.js-only,noscript{display:none!important}
details.cluster,.card,table{background:#fff;break-inside:auto}
details.cluster>summary{break-after:avoid}
tr{break-inside:avoid}
.fix pre{white-space:pre-wrap;overflow-wrap:anywhere;overflow:visible;border:1px solid #ccc}
td.fixcell{max-width:none}
.scroll{overflow:visible}
a{color:inherit}
}
`;

/* The inline script. Plain DOM, no framework; every value is read from the JSON block or the DOM, never evaluated. */
const SCRIPT = `
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");
  var dataEl = doc.getElementById("report-data");
  var data = JSON.parse((dataEl && dataEl.textContent) || '{"clusters":[]}');
  var section = doc.getElementById("clusters");
  var form = doc.getElementById("filters");
  var fStatus = doc.getElementById("f-status");
  var fCheck = doc.getElementById("f-check");
  var fText = doc.getElementById("f-text");
  var fFindings = doc.getElementById("f-findings");
  var fCount = doc.getElementById("f-count");
  var noMatch = doc.getElementById("no-match");
  var clusters = Array.prototype.slice.call(doc.querySelectorAll("details.cluster"));
  var overviewRows = Array.prototype.slice.call(doc.querySelectorAll("tr[data-check-filter]"));
  var cards = Array.prototype.slice.call(doc.querySelectorAll("[data-filter-status]"));
  if (!form || !fStatus || !fCheck || !fText || !fFindings || !fCount || !section) return;

  var items = clusters.map(function (el) {
    var c = data.clusters[Number(el.getAttribute("data-idx"))] || { status: "", findings: [] };
    var text = [c.name, c.subscriptionId, c.resourceGroup, c.location, c.id].join("\\n").toLowerCase();
    /* With scripts on, start with compliant clusters folded so findings stand out. */
    if (c.status === "compliant") el.open = false;
    return { el: el, c: c, text: text, rows: Array.prototype.slice.call(el.querySelectorAll("tr[data-check]")) };
  });
  form.hidden = false;

  function apply() {
    var st = fStatus.value, ck = fCheck.value, q = fText.value.trim().toLowerCase();
    var shown = 0;
    items.forEach(function (it) {
      var ok = (!st || it.c.status === st) && (!ck || it.c.findings.indexOf(ck) >= 0) && (!q || it.text.indexOf(q) >= 0);
      it.el.hidden = !ok;
      if (ok) shown++;
      it.rows.forEach(function (tr) {
        tr.classList.toggle("hl", !!ck && tr.getAttribute("data-check") === ck);
      });
      if (ok && ck) it.el.open = true;
    });
    section.classList.toggle("only-findings", fFindings.checked);
    fCount.textContent = "Showing " + shown + " of " + items.length + " cluster" + (items.length === 1 ? "" : "s");
    if (noMatch) noMatch.hidden = shown > 0 || items.length === 0;
    overviewRows.forEach(function (tr) {
      var on = !!ck && tr.getAttribute("data-check-filter") === ck;
      tr.classList.toggle("active", on);
      tr.setAttribute("aria-pressed", on ? "true" : "false");
    });
    cards.forEach(function (card) {
      var s = card.getAttribute("data-filter-status");
      card.classList.toggle("active", !!st && s === st);
      card.setAttribute("aria-pressed", !!st && s === st ? "true" : "false");
    });
  }
  function jump() { section.scrollIntoView({ behavior: "smooth", block: "start" }); }
  function activate(el, fn) {
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.addEventListener("click", function (e) { if (e.target && e.target.closest && e.target.closest("a")) return; fn(); });
    el.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); fn(); } });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); });
  [fStatus, fCheck, fFindings].forEach(function (el) { el.addEventListener("change", apply); });
  fText.addEventListener("input", apply);
  doc.getElementById("f-clear").addEventListener("click", function () {
    fStatus.value = ""; fCheck.value = ""; fText.value = ""; fFindings.checked = false; apply();
  });
  doc.getElementById("f-expand").addEventListener("click", function () { items.forEach(function (it) { if (!it.el.hidden) it.el.open = true; }); });
  doc.getElementById("f-collapse").addEventListener("click", function () { items.forEach(function (it) { it.el.open = false; }); });
  overviewRows.forEach(function (tr) {
    activate(tr, function () {
      var id = tr.getAttribute("data-check-filter") || "";
      fCheck.value = fCheck.value === id ? "" : id;
      apply(); jump();
    });
  });
  cards.forEach(function (card) {
    activate(card, function () {
      var s = card.getAttribute("data-filter-status") || "";
      fStatus.value = fStatus.value === s ? "" : s;
      apply(); jump();
    });
  });

  function copyText(text, done) {
    function fallback() {
      var ta = doc.createElement("textarea");
      ta.value = text; ta.setAttribute("readonly", "");
      ta.style.position = "fixed"; ta.style.opacity = "0";
      doc.body.appendChild(ta); ta.select();
      var ok = false; try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      doc.body.removeChild(ta); done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else { fallback(); }
  }
  doc.addEventListener("click", function (e) {
    var btn = e.target && e.target.closest ? e.target.closest("button.copy") : null;
    if (!btn) return;
    var pre = btn.parentNode.querySelector("pre");
    if (!pre) return;
    copyText(pre.textContent || "", function (ok) {
      btn.textContent = ok ? "Copied" : "Select and copy";
      setTimeout(function () { btn.textContent = "Copy"; }, 1500);
    });
  });
  doc.addEventListener("keydown", function (e) {
    var t = e.target, tag = t && t.tagName;
    if (e.key === "/" && tag !== "INPUT" && tag !== "SELECT" && tag !== "TEXTAREA") { e.preventDefault(); fText.focus(); }
  });

  /* Paper gets everything that passes the filters, expanded. */
  var before = [];
  window.addEventListener("beforeprint", function () {
    before = items.map(function (it) { return it.el.open; });
    items.forEach(function (it) { it.el.open = true; });
  });
  window.addEventListener("afterprint", function () {
    items.forEach(function (it, i) { it.el.open = before[i] !== false; });
  });

  Array.prototype.forEach.call(doc.querySelectorAll("time[datetime]"), function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d.getTime())) t.title = d.toLocaleString();
  });
  apply();
})();
`;

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
/** Nothing may load from anywhere; only this exact script and stylesheet run. */
const CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(CSS)}`,
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const BADGE_TEXT: Record<Status, string> = { ...STATUS_LABEL };
const CLUSTER_BADGE_TEXT: Record<ClusterStatus, string> = { compliant: "Compliant", non_compliant: "Non-compliant", unknown: "Unknown" };

const e = escapeHtml;

/** A stacked bar drawn with SVG attributes (no inline style, so the CSP stays strict). */
function bar(parts: { cls: string; value: number }[], label: string): string {
  const total = parts.reduce((sum, p) => sum + p.value, 0);
  let x = 0;
  const rects: string[] = [];
  if (total > 0) {
    for (const p of parts) {
      if (p.value <= 0) continue;
      const w = (p.value / total) * 100;
      rects.push(`<rect class="s-${e(p.cls)}" x="${x.toFixed(3)}" y="0" width="${w.toFixed(3)}" height="8"/>`);
      x += w;
    }
  }
  return `<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="${e(label)}">${rects.join("")}</svg>`;
}

function badge(status: Status): string {
  return `<span class="badge b-${e(status)}">${e(BADGE_TEXT[status])}</span>`;
}

function summaryCards(report: AuditReport): string {
  const s = report.summary;
  const pct = compliancePercent(s);
  const card = (cls: string, num: string, label: string, filter?: ClusterStatus): string =>
    `<div class="card c-${cls}"${filter === undefined ? "" : ` data-filter-status="${e(filter)}"`}><span class="num">${e(num)}</span><span class="lbl">${e(label)}</span>${
      cls === "pct"
        ? bar(
            [
              { cls: "compliant", value: s.compliant },
              { cls: "unknown", value: s.unknown },
              { cls: "non_compliant", value: s.nonCompliant },
            ],
            `${s.compliant} compliant, ${s.unknown} unknown, ${s.nonCompliant} non-compliant`,
          )
        : ""
    }</div>`;
  return `<section class="cards" aria-label="Summary">
${card("total", String(s.clusters), s.clusters === 1 ? "cluster audited" : "clusters audited")}
${card("pct", pct === undefined ? "—" : `${pct}%`, "compliance")}
${card("non_compliant", String(s.nonCompliant), "non-compliant", "non_compliant")}
${card("unknown", String(s.unknown), "unknown", "unknown")}
${card("compliant", String(s.compliant), "compliant", "compliant")}
</section>`;
}

function collectionSection(report: AuditReport): string {
  const out: string[] = [];
  const errors = report.collection?.errors ?? [];
  if (errors.length > 0) {
    out.push(`<section class="alert" role="note"><h2>Collection was incomplete</h2><p>Checks that needed this data are reported as unknown.</p><ul>`);
    for (const err of errors) {
      const where = err.subscriptionId ? ` (subscription ${e(err.subscriptionId)})` : "";
      out.push(`<li><strong>${e(err.kind)}</strong>${where}: ${e(err.message)}</li>`);
    }
    out.push(`</ul></section>`);
  }
  if (report.notes && report.notes.length > 0) {
    out.push(`<section class="notes"><h2>What this audit cannot see</h2><ul>`);
    for (const note of report.notes) out.push(`<li>${e(note)}</li>`);
    out.push(`</ul></section>`);
  }
  return out.join("\n");
}

function overviewSection(overview: CheckOverview[], clusterCount: number): string {
  if (overview.length === 0) return "";
  const num = (value: number, cls: string): string => `<td class="n ${cls}${value === 0 ? " zero" : ""}">${value}</td>`;
  const rows = overview.map((c) => {
    const filterable = c.findings > 0 ? ` data-check-filter="${e(c.id)}" aria-pressed="false" title="Show the clusters where ${e(c.id)} needs attention"` : "";
    const dist = bar(
      (["fail", "warn", "unknown", "pass", "not_applicable"] as const).map((s) => ({ cls: s, value: c.counts[s] })),
      `${c.counts.fail} fail, ${c.counts.warn} warn, ${c.counts.unknown} unknown, ${c.counts.pass} pass, ${c.counts.not_applicable} not applicable`,
    );
    return `<tr${filterable}><td class="cid">${e(c.id)}</td><td><span class="sev sev-${e(c.severity)}">${e(c.severity)}</span></td><td>${e(c.title)}${
      c.suppressed > 0 ? ` <span class="badge b-suppressed">${c.suppressed} suppressed</span>` : ""
    }</td>${num(c.counts.fail, "fail")}${num(c.counts.warn, "warn")}${num(c.counts.unknown, "unknown")}${num(c.counts.pass, "pass")}${num(
      c.counts.not_applicable,
      "na",
    )}<td class="dist">${dist}</td></tr>`;
  });
  return `<section id="overview" aria-labelledby="overview-h"><h2 id="overview-h">Checks across ${clusterCount} cluster${clusterCount === 1 ? "" : "s"}</h2>
<p class="hint js-only">Select a check to list only the clusters where it fails, warns or is unknown.</p>
<div class="scroll"><table class="overview">
<thead><tr><th>Check</th><th>Severity</th><th>Title</th><th>Fail</th><th>Warn</th><th>Unknown</th><th>Pass</th><th>N/A</th><th>Distribution</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody></table></div></section>`;
}

function filterBar(report: AuditReport, overview: CheckOverview[]): string {
  const s = report.summary;
  const statusOptions = [
    `<option value="">All statuses</option>`,
    `<option value="non_compliant">Non-compliant (${s.nonCompliant})</option>`,
    `<option value="unknown">Unknown (${s.unknown})</option>`,
    `<option value="compliant">Compliant (${s.compliant})</option>`,
  ];
  const checkOptions = [`<option value="">Any check</option>`].concat(
    overview.filter((c) => c.findings > 0).map((c) => `<option value="${e(c.id)}">${e(c.id)} — ${e(c.title)} (${c.findings})</option>`),
  );
  return `<form id="filters" class="filters" role="search" hidden>
<label>Status <select id="f-status">${statusOptions.join("")}</select></label>
<label>Check needing attention <select id="f-check">${checkOptions.join("")}</select></label>
<label>Search <input type="search" id="f-text" placeholder="Name, subscription, resource group… ( / )" autocomplete="off"></label>
<label><input type="checkbox" id="f-findings"> Hide passing checks</label>
<button type="button" id="f-clear">Clear</button>
<button type="button" id="f-expand">Expand all</button>
<button type="button" id="f-collapse">Collapse all</button>
<output id="f-count" aria-live="polite"></output>
</form>`;
}

function checkRow(check: CheckResult): string {
  const suppressed = suppressionText(check);
  const ok = !isFinding(check);
  const docs = safeHttpUrl(check.docsUrl);
  const fix = check.remediation
    ? `<div class="fix"><pre><code>${e(check.remediation.replace(/\r\n|\r/g, "\n").replace(/\n+$/, ""))}</code></pre><button type="button" class="copy js-only" aria-label="Copy the commands for ${e(check.id)}">Copy</button></div>`
    : "";
  const docsLink = docs ? `<a class="docs" href="${e(docs)}" target="_blank" rel="noopener noreferrer">Documentation ↗</a>` : "";
  return `<tr data-check="${e(check.id)}" class="r-${e(check.status)}${ok ? " ok" : ""}">
<td>${badge(check.status)}${suppressed ? ` <span class="badge b-suppressed" title="${e(suppressed)}">suppressed</span>` : ""}</td>
<td class="cid">${e(check.id)}<br><span class="sev sev-${e(check.severity)}">${e(check.severity)}</span></td>
<td><div class="ctitle">${e(check.title)}</div>${check.evidence ? `<div class="evidence">${e(check.evidence)}</div>` : ""}${
    suppressed ? `<div class="suppr">${e(suppressed.charAt(0).toUpperCase() + suppressed.slice(1))}</div>` : ""
  }</td>
<td class="fixcell">${fix}${docsLink}</td>
</tr>`;
}

function clusterDetails(cluster: ClusterReport, idx: number): string {
  const counts = findingCounts(cluster);
  const chips = COUNT_KINDS.filter((s) => counts[s] > 0)
    .map((s) => `<span class="badge b-${s}">${counts[s]} ${s}</span>`)
    .join("");
  const where = `${cluster.subscriptionId} / ${cluster.resourceGroup}${cluster.location ? ` · ${cluster.location}` : ""}`;
  const tags = Object.entries(cluster.tags ?? {});
  const facts = [
    `<dt>Resource id</dt><dd><code>${e(cluster.id)}</code></dd>`,
    `<dt>Subscription</dt><dd>${e(cluster.subscriptionId)}</dd>`,
    `<dt>Resource group</dt><dd>${e(cluster.resourceGroup)}</dd>`,
    `<dt>Location</dt><dd>${e(cluster.location)}</dd>`,
  ];
  if (tags.length > 0) facts.push(`<dt>Tags</dt><dd>${tags.map(([k, v]) => `<span class="tag">${e(k)}: ${e(v)}</span>`).join("")}</dd>`);
  return `<details class="cluster c-${e(cluster.status)}" id="cluster-${idx}" data-idx="${idx}" open>
<summary><span class="badge b-${e(cluster.status)}">${e(CLUSTER_BADGE_TEXT[cluster.status])}</span><span class="cname">${e(cluster.name)}</span><span class="where">${e(
    where,
  )}</span><span class="chips">${chips}</span><a class="portal" href="${e(portalUrl(cluster.id))}" target="_blank" rel="noopener noreferrer">Azure portal ↗</a></summary>
<div class="cbody">
<dl class="facts">${facts.join("")}</dl>
<div class="scroll"><table class="checks">
<thead><tr><th>Status</th><th>Check</th><th>Finding</th><th>Remediation</th></tr></thead>
<tbody>
${sortChecks(cluster.checks).map(checkRow).join("\n")}
</tbody></table></div>
</div>
</details>`;
}

export function renderHtml(report: AuditReport): string {
  const clusters = sortClusters(report.clusters);
  const overview = checkOverview(report);
  const data: HtmlScriptData = {
    clusters: clusters.map((c) => ({
      id: c.id,
      name: c.name,
      subscriptionId: c.subscriptionId,
      resourceGroup: c.resourceGroup,
      location: c.location,
      status: c.status,
      findings: c.checks.filter(isFinding).map((k) => k.id),
    })),
  };
  const refTime = report.collection?.referenceTime;
  const meta = [`Generated <time datetime="${e(report.generatedAt)}">${e(report.generatedAt)}</time>`];
  if (refTime && refTime !== report.generatedAt) meta.push(`reference time <time datetime="${e(refTime)}">${e(refTime)}</time>`);
  if (overview.length > 0) meta.push(`${overview.length} checks per cluster`);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${e(CSP)}">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="aks-backup-auditor">
<title>AKS backup audit — ${e(report.generatedAt)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
<header>
<h1>AKS backup audit</h1>
<p class="meta">${meta.join(" · ")}</p>
</header>
<main>
${summaryCards(report)}
${collectionSection(report)}
${overviewSection(overview, report.clusters.length)}
<section id="clusters" aria-labelledby="clusters-h">
<h2 id="clusters-h">Clusters</h2>
<noscript><p class="hint">Filters need JavaScript; every cluster is shown in full.</p></noscript>
${filterBar(report, overview)}
${clusters.length === 0 ? `<p>No clusters were audited.</p>` : clusters.map(clusterDetails).join("\n")}
<p id="no-match" hidden>No clusters match the filters.</p>
</section>
</main>
<footer>aks-backup-auditor · ${e(report.schema)} · A cluster is non-compliant when a high- or medium-severity check fails, unknown when such a check is unknown (suppressed findings do not count).</footer>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Exposed for tests: the CSP must hash exactly the script and stylesheet that are emitted. */
export const HTML_INTERNALS = { SCRIPT, CSS, CSP };
