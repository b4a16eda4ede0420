/**
 * The digest HTML in headless Chromium (Debian's `chromium`, driven by playwright-core), the way an
 * email client shows it: scripts off, no network. The sample fleet's digest is screenshotted to
 * $TMPDIR/aks-backup-digest-sample.png and checked to be a real picture (decoded pixels, against a
 * blank page), free of console and page errors, of network requests and of horizontal overflow; a
 * cluster and tag named like an HTML injection render as text.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeDigest } from "../../src/digest/compose.js";
import { buildDigestMessage } from "../../src/digest/message.js";
import { periodOf } from "../../src/digest/period.js";
import { loadDigestData } from "../../src/digest/source.js";
import { previewDigest } from "../../src/digest/tick.js";
import { clusterId, clusterReport, freshStore, input, SUB_A } from "../store/store-fixture.js";
import { digestSettings } from "./helpers.js";
import { decodePng, pixelStats } from "./png.js";
import { auditSampleWithHistory, SAMPLE_NOW } from "./sample-history.js";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOT = join(tmpdir(), "aks-backup-digest-sample.png");
const XSS = "<img src=x onerror=alert(1)>";

// In CI a missing browser is a failure (the launch below says why); locally the tests are skipped.
const run = HAVE_CHROMIUM || !!process.env["CI"];
if (!run) console.warn(`digest in Chromium: not run here, ${CHROMIUM} is not installed (apt-get install -y chromium); CI installs it and runs these`);

describe.runIf(run)("digest in Chromium", () => {
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI needs Chromium at ${CHROMIUM} for the digest rendering tests: .ci/run must apt-get install -y chromium`);
    profile = mkdtempSync(join(tmpdir(), "aks-digest-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      javaScriptEnabled: false,
      viewport: { width: 800, height: 900 },
      offline: true,
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Load HTML as an email client would; collect everything that went wrong. */
  async function open(html: string, width = 800): Promise<{ page: Page; problems: string[]; requests: string[] }> {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.route("**/*", (route) => {
      requests.push(route.request().url());
      void route.abort();
    });
    await page.setContent(html, { waitUntil: "load" });
    return { page, problems, requests };
  }

  it("renders the sample fleet's digest: a real picture, no errors, no requests, no overflow", async () => {
    const store = await freshStore();
    await auditSampleWithHistory(store);
    const r = await previewDigest({ store, settings: digestSettings(), clock: () => SAMPLE_NOW });
    if (r.kind !== "ok") throw new Error(r.kind);
    writeFileSync(join(tmpdir(), "aks-backup-digest-sample.html"), r.message.html);

    const { page, problems, requests } = await open(r.message.html);
    const shot = await page.screenshot({ fullPage: true, path: SCREENSHOT });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);

    const px = decodePng(shot);
    expect(px.width).toBe(800);
    expect(px.height).toBeGreaterThan(1500);
    const stats = pixelStats(px);
    expect(stats.colours).toBeGreaterThan(50);
    expect(stats.nonBackground).toBeGreaterThan(0.3);

    // A blank page renders as one colour: the digest is not that.
    const blank = await open("<!DOCTYPE html><html><body></body></html>");
    const blankStats = pixelStats(decodePng(await blank.page.screenshot()));
    expect(blankStats.colours).toBe(1);
    await blank.page.close();

    const text = await page.evaluate<string>("document.body.innerText");
    for (const s of ["Week 48, 2026", "Newly non-compliant", "aks-orders-prod", "Fixed", "aks-payments-prod", "Still failing", "Most-failed checks", "Suppressions expiring soon", "What to fix", "az aks trustedaccess rolebinding create"]) {
      expect(text).toContain(s);
    }
    // Every cluster link goes to the Azure portal.
    const hrefs = await page.evaluate<string[]>(`[...document.querySelectorAll("a")].map((a) => a.getAttribute("href") ?? "")`);
    expect(hrefs.length).toBeGreaterThan(10);
    expect(hrefs.every((h) => h.startsWith("https://portal.azure.com/#@/resource/subscriptions/") || h.startsWith("https://learn.microsoft.com/"))).toBe(true);

    // Readable on a phone too: nothing forces the page wider than the screen.
    const narrow = await open(r.message.html, 390);
    expect(await narrow.page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
    await narrow.page.screenshot({ fullPage: true, path: join(tmpdir(), "aks-backup-digest-sample-narrow.png") });
    await narrow.page.close();
    await page.close();
  });

  it("shows a cluster and a tag named like an HTML injection as text, and nothing runs or loads", async () => {
    const store = await freshStore();
    const id = clusterId(SUB_A, "rg-x", XSS);
    const c = { ...clusterReport(id, { "AKSBK-011": "fail" }), name: XSS, tags: { [XSS]: `"><script>alert(2)</script>`, "backup-owner": XSS } };
    c.checks = c.checks.map((k) => (k.id === "AKSBK-011" ? { ...k, evidence: `extension ${XSS} missing`, remediation: `az k8s-extension create --name '</pre><img src=x onerror=alert(3)>'` } : k));
    await store.persist(input([c], "2026-11-22T06:00:00.000Z"));
    const data = await loadDigestData(store);
    const model = composeDigest(data, { now: SAMPLE_NOW, period: periodOf(SAMPLE_NOW, "week"), windowStart: new Date("2026-11-16T07:00:00Z") });
    const html = buildDigestMessage(model, { to: ["a@contoso.com"], groupKey: "a@contoso.com" }).html;

    const { page, problems, requests } = await open(html);
    expect(await page.evaluate<number>(`document.querySelectorAll("img, script, iframe, object, embed, svg").length`)).toBe(0);
    const text = await page.evaluate<string>("document.body.innerText");
    expect(text).toContain(XSS);
    expect(text).toContain(`'</pre><img src=x onerror=alert(3)>'`);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
