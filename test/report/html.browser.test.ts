/**
 * The HTML audit report of the sample fleet in headless Chromium (Debian `chromium`, which .ci/run
 * installs): it renders (a real picture), its script runs without errors under its own CSP, makes no
 * request, and its filters work as a person would use them.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAudit } from "../../src/index.js";
import { renderHtml } from "../../src/report/html.js";
import { decodePng, pixelStats } from "../digest/png.js";

const CHROMIUM = "/usr/bin/chromium";
const run = existsSync(CHROMIUM) || !!process.env["CI"];
if (!run) console.warn(`HTML report in Chromium: not run here, ${CHROMIUM} is not installed; CI installs it and runs these`);

describe.runIf(run)("the HTML report in Chromium", () => {
  let browser: Browser;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`CI needs Chromium at ${CHROMIUM}: .ci/run must apt-get install -y chromium`);
    const report = await runAudit({ snapshotPaths: [new URL("../../examples/sample-fleet.json", import.meta.url).pathname], generatedAt: new Date("2026-11-23T08:00:00Z") });
    dir = mkdtempSync(join(tmpdir(), "aks-report-html-"));
    file = join(dir, "report.html");
    writeFileSync(file, renderHtml(report));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("renders, runs its script without errors, requests nothing, and filters by status, check and text", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) requests.push(r.url());
    });
    await page.goto(`file://${file}`);

    const png = await page.screenshot({ fullPage: false });
    writeFileSync(join(tmpdir(), "aks-backup-report-sample.png"), png);
    const stats = pixelStats(decodePng(png));
    expect(stats.colours).toBeGreaterThan(20);
    expect(stats.nonBackground).toBeGreaterThan(0.05); // share of pixels that differ from the background

    // The script ran: the filter form is shown and counts every cluster.
    await expect.poll(() => page.locator("#filters").isVisible()).toBe(true);
    expect(await page.locator("#f-count").textContent()).toBe("Showing 22 of 22 clusters");
    const visible = () => page.locator("details.cluster:not([hidden])").count();

    await page.selectOption("#f-status", "non_compliant");
    expect(await visible()).toBe(12);
    await page.selectOption("#f-status", "");
    await page.selectOption("#f-check", "AKSBK-021");
    const names = await page.locator("details.cluster:not([hidden]) summary").allTextContents();
    expect(names.some((n) => n.includes("aks-orders-prod"))).toBe(true);
    expect(names.some((n) => n.includes("aks-payments-prod"))).toBe(false);
    await page.selectOption("#f-check", "");
    await page.fill("#f-text", "aks-payments-prod"); // name, subscription, group, region or id
    await page.dispatchEvent("#f-text", "input");
    expect(await visible()).toBe(1);

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 60_000);

  it("shows everything with scripts off (no filters, every cluster open)", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`file://${file}`);
    expect(await page.locator("#filters").isVisible()).toBe(false);
    expect(await page.locator("details.cluster[open]").count()).toBe(22);
    await context.close();
  }, 60_000);
});
