import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HTML_INTERNALS, type HtmlScriptData, escapeHtml, jsonForScript, renderHtml } from "../../src/report/html.js";
import { NON_PASS_IDS, QUOTES, SCRIPT_BREAKER, XSS_NAME, report } from "./fixture.js";

const html = renderHtml(report);

function scriptData(page: string): HtmlScriptData {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page);
  if (!m?.[1]) throw new Error("no data block");
  return JSON.parse(m[1]) as HtmlScriptData;
}

describe("renderHtml: escaping", () => {
  it("never lets report data become markup", () => {
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain(QUOTES);
    expect(html).toContain("&quot;quotes&quot; &amp; &#39;apostrophes&#39;");
    expect(html).not.toContain(SCRIPT_BREAKER);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it("escapes inside attributes too", () => {
    // The suppression reason (with quotes) is shown in a title attribute.
    expect(html).toContain(`title="suppressed until 2027-01-01: Tracked in CHG-42 &quot;quotes&quot; &amp; &#39;apostrophes&#39;"`);
    for (const m of html.matchAll(/<[a-z]+\s[^>]*>/g)) {
      // Every attribute value is double-quoted and holds no raw quote or angle bracket.
      const tag = m[0];
      const stripped = tag.replace(/\s[A-Za-z-]+="[^"<>]*"/g, "").replace(/\s(open|hidden|readonly)\b/g, "");
      expect(stripped, tag).toMatch(/^<[a-z]+\s*\/?>$/);
    }
  });

  it("embeds the script data as JSON with < escaped, parsing back to the original values", () => {
    const block = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    expect(block).not.toContain("<");
    expect(block).toContain("\\u003cimg");
    const data = scriptData(html);
    expect(data.clusters.map((c) => c.name)).toEqual([XSS_NAME, "dev-1", "prod-ok"]);
    expect(data.clusters[0]?.findings).toEqual(["AKSBK-011", "AKSBK-016", "AKSBK-022", "AKSBK-040", "AKSBK-030"]);
    expect(JSON.parse(jsonForScript({ s: "</script><!-- \u2028 & >" }))).toEqual({ s: "</script><!-- \u2028 & >" });
  });

  it("escapes all five characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("links only http(s) documentation", () => {
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).not.toContain("javascript:alert(4)");
    expect(html).toContain('href="https://learn.microsoft.com/azure/backup/azure-kubernetes-service-cluster-manage-backups"');
  });
});

describe("renderHtml: self-contained", () => {
  it("loads nothing from the network", () => {
    expect(html).not.toMatch(/<[a-z]+\s[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i);
    expect(html).not.toMatch(/@import|url\(/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? "");
    for (const h of hrefs) expect(h).toMatch(/^(data:,|https:\/\/portal\.azure\.com\/#@\/resource\/subscriptions\/|https:\/\/learn\.microsoft\.com\/)/);
  });

  it("pins the inline script and stylesheet with CSP hashes", () => {
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    const hash = (s: string): string => createHash("sha256").update(s, "utf8").digest("base64");
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? "";
    expect(csp).toBe(HTML_INTERNALS.CSP);
    expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(csp).toContain("default-src 'none'");
  });

  it("has an inline script that parses", () => {
    expect(() => new Function(HTML_INTERNALS.SCRIPT)).not.toThrow();
  });
});

describe("renderHtml: content", () => {
  it("shows generatedAt, summary counts and compliance percentage", () => {
    expect(html).toContain('<time datetime="2026-11-23T08:00:00Z">');
    expect(html).toMatch(/<span class="num">3<\/span><span class="lbl">clusters audited/);
    expect(html).toMatch(/<span class="num">33%<\/span><span class="lbl">compliance/);
    expect(html).toMatch(/data-filter-status="non_compliant"><span class="num">1</);
  });

  it("gives a per-check overview whose rows filter", () => {
    expect(html).toMatch(/<tr data-check-filter="AKSBK-011"[^>]*><td class="cid">AKSBK-011<\/td>[\s\S]*?<td class="n fail">1<\/td>/);
    expect(html).not.toContain('data-check-filter="AKSBK-001"');
  });

  it("works without JavaScript: every cluster open, filters hidden", () => {
    const details = html.match(/<details[^>]*>/g) ?? [];
    expect(details).toHaveLength(3);
    for (const d of details) expect(d).toMatch(/\sopen>$/);
    expect(html).toMatch(/<form id="filters"[^>]*\shidden>/);
    expect(html).toContain("html:not(.js) .js-only{display:none!important}");
  });

  it("lists every check of every cluster with a status badge", () => {
    expect(html.match(/<tr data-check="/g)).toHaveLength(report.clusters.reduce((n, c) => n + c.checks.length, 0));
    expect(html.match(/<tr data-check="AKSBK-041" class="r-not_applicable ok">/g)).toHaveLength(3);
    for (const id of NON_PASS_IDS) expect(html).toContain(`data-check="${id}"`);
    expect(html).toContain('<span class="badge b-fail">fail</span>');
    expect(html).toContain('<span class="badge b-not_applicable">n/a</span>');
    expect(html).toContain("NA-EVIDENCE-HIDDEN");
  });

  it("offers remediation with a copy button and a portal link", () => {
    const withFix = report.clusters.flatMap((c) => c.checks).filter((c) => c.remediation).length;
    expect(html.match(/<button type="button" class="copy js-only"/g)).toHaveLength(withFix);
    expect(html).toContain("<pre><code>az k8s-extension create --name azure-aks-backup");
    expect(html).toContain(
      'href="https://portal.azure.com/#@/resource/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-evil/providers/Microsoft.ContainerService/managedClusters/evil"',
    );
  });

  it("prints", () => {
    expect(html).toMatch(/@media print\{[\s\S]*\.filters/);
  });
});

/* ---- The inline script against a tiny stand-in DOM built from the rendered page. ---- */

type Listener = (ev: { key?: string; target?: unknown; preventDefault(): void }) => void;
class El {
  hidden = false;
  open = true;
  value = "";
  checked = false;
  textContent = "";
  title = "";
  tagName = "DIV";
  readonly classes = new Set<string>();
  readonly listeners = new Map<string, Listener[]>();
  readonly rows: El[] = [];
  constructor(readonly attrs: Record<string, string> = {}) {}
  classList = {
    add: (c: string) => void this.classes.add(c),
    toggle: (c: string, on?: boolean) => {
      const want = on ?? !this.classes.has(c);
      if (want) this.classes.add(c);
      else this.classes.delete(c);
      return want;
    },
  };
  getAttribute(n: string): string | null {
    return this.attrs[n] ?? null;
  }
  setAttribute(n: string, v: string): void {
    this.attrs[n] = v;
  }
  addEventListener(type: string, fn: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  querySelectorAll(): El[] {
    return this.rows;
  }
  fire(type: string, extra: { key?: string } = {}): void {
    for (const fn of this.listeners.get(type) ?? []) fn({ ...extra, target: this, preventDefault() {} });
  }
  scrollIntoView(): void {}
  focus(): void {}
}

function boot(page: string) {
  const ids = new Map<string, El>();
  for (const id of ["filters", "f-status", "f-check", "f-text", "f-findings", "f-count", "no-match", "clusters", "f-clear", "f-expand", "f-collapse"]) {
    const el = new El({ id });
    if (id === "filters" || id === "no-match") el.hidden = true;
    ids.set(id, el);
  }
  const dataEl = new El();
  dataEl.textContent = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? "";
  ids.set("report-data", dataEl);
  const clusters = [...page.matchAll(/<details [^>]*data-idx="(\d+)"[^>]*>([\s\S]*?)<\/details>/g)].map((m) => {
    const el = new El({ "data-idx": m[1] ?? "" });
    for (const r of (m[2] ?? "").matchAll(/<tr data-check="([^"]+)"/g)) el.rows.push(new El({ "data-check": r[1] ?? "" }));
    return el;
  });
  const overview = [...page.matchAll(/<tr data-check-filter="([^"]+)"/g)].map((m) => new El({ "data-check-filter": m[1] ?? "" }));
  const cards = [...page.matchAll(/data-filter-status="([^"]+)"/g)].map((m) => new El({ "data-filter-status": m[1] ?? "" }));
  const root = new El();
  const doc = Object.assign(new El(), {
    documentElement: root,
    getElementById: (id: string) => ids.get(id) ?? null,
    querySelectorAll: (sel: string) =>
      sel === "details.cluster" ? clusters : sel === "tr[data-check-filter]" ? overview : sel === "[data-filter-status]" ? cards : [],
  });
  const win = new El();
  new Function("document", "window", "navigator", HTML_INTERNALS.SCRIPT)(doc, win, {});
  const get = (id: string): El => ids.get(id) ?? new El();
  const visible = () => clusters.filter((c) => !c.hidden).map((c) => Number(c.getAttribute("data-idx")));
  return { root, get, clusters, overview, cards, visible, win };
}

describe("renderHtml: inline script", () => {
  it("shows the filters, folds compliant clusters and counts", () => {
    const { root, get, clusters, visible } = boot(html);
    expect(root.classes.has("js")).toBe(true);
    expect(get("filters").hidden).toBe(false);
    expect(clusters.map((c) => c.open)).toEqual([true, true, false]);
    expect(visible()).toEqual([0, 1, 2]);
    expect(get("f-count").textContent).toBe("Showing 3 of 3 clusters");
  });

  it("filters by cluster status, by check and by text", () => {
    const { get, visible, clusters } = boot(html);
    get("f-status").value = "unknown";
    get("f-status").fire("change");
    expect(visible()).toEqual([1]);

    get("f-status").value = "";
    get("f-check").value = "AKSBK-011";
    get("f-check").fire("change");
    expect(visible()).toEqual([0]);
    expect(clusters[0]?.rows.filter((r) => r.classes.has("hl")).map((r) => r.getAttribute("data-check"))).toEqual(["AKSBK-011"]);

    get("f-check").value = "";
    get("f-text").value = "  11111111-1111 ";
    get("f-text").fire("input");
    expect(visible()).toEqual([1, 2]);
    get("f-text").value = "PROD-OK";
    get("f-text").fire("input");
    expect(visible()).toEqual([2]);
    get("f-text").value = "nothing matches";
    get("f-text").fire("input");
    expect(visible()).toEqual([]);
    expect(get("no-match").hidden).toBe(false);

    get("f-clear").fire("click");
    expect(visible()).toEqual([0, 1, 2]);
  });

  it("toggles the check filter from the overview and the status filter from the cards", () => {
    const { get, overview, cards, visible } = boot(html);
    const row = overview.find((r) => r.getAttribute("data-check-filter") === "AKSBK-010");
    row?.fire("click");
    expect(get("f-check").value).toBe("AKSBK-010");
    expect(row?.getAttribute("aria-pressed")).toBe("true");
    expect(visible()).toEqual([1]);
    row?.fire("keydown", { key: "Enter" });
    expect(get("f-check").value).toBe("");
    cards.find((c) => c.getAttribute("data-filter-status") === "compliant")?.fire("click");
    expect(visible()).toEqual([2]);
  });

  it("opens everything for printing and restores afterwards", () => {
    const { win, clusters } = boot(html);
    win.fire("beforeprint");
    expect(clusters.every((c) => c.open)).toBe(true);
    win.fire("afterprint");
    expect(clusters.map((c) => c.open)).toEqual([true, true, false]);
  });
});
