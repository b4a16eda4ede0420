/**
 * The message itself: escaping of everything from Azure, the CSV attachment (every finding, guarded
 * against formula injection), the size budgets (long lists cut with a count; the attachment zipped, and
 * only as a last resort truncated — said in the message), and the .eml the outbox writes.
 */
import { randomBytes } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { composeDigest, type DigestModel } from "../../src/digest/compose.js";
import { headerValue, toEml } from "../../src/digest/eml.js";
import { ACS_MAX_REQUEST_BYTES, buildDigestMessage, DEFAULT_BUDGETS } from "../../src/digest/message.js";
import { periodOf } from "../../src/digest/period.js";
import type { DigestData } from "../../src/digest/source.js";
import type { Status } from "../../src/model/types.js";
import type { StoredCheck, StoredVerdict } from "../../src/store/results-store.js";
import { clusterId, SUB_A } from "../store/store-fixture.js";

const NOW = new Date("2026-11-23T07:00:00Z");
const XSS = "<img src=x onerror=alert(1)>";

function check(id: string, status: Status, extra: Partial<StoredCheck> = {}): StoredCheck {
  return { id, status, severity: "high", title: `title of ${id}`, evidence: `evidence of ${id}`, remediation: status === "fail" ? `az fix ${id}` : undefined, docsUrl: "https://learn.microsoft.com/azure/backup/", since: "2026-11-02T06:00:00.000Z", ...extra };
}

function verdict(name: string, checks: StoredCheck[], extra: Partial<StoredVerdict> = {}): StoredVerdict {
  const failing = checks.some((c) => c.status === "fail");
  return {
    id: clusterId(SUB_A, "rg-x", name),
    name,
    subscriptionId: SUB_A,
    resourceGroup: "rg-x",
    location: "westeurope",
    status: failing ? "non_compliant" : "compliant",
    tags: {},
    checks,
    observedAt: "2026-11-22T06:00:00.000Z",
    firstSeenAt: "2026-11-02T06:00:00.000Z",
    lastChangedAt: "2026-11-22T06:00:00.000Z",
    runId: "r",
    ...extra,
  };
}

function model(verdicts: StoredVerdict[], reasons: string[] = []): DigestModel {
  const data: DigestData = { verdicts, transitions: [], runs: [], suppressions: [] };
  return composeDigest(data, { now: NOW, period: periodOf(NOW, "week"), windowStart: new Date("2026-11-16T07:00:00Z"), reasons });
}

function unzip(zip: Buffer): string {
  expect(zip.readUInt32LE(0)).toBe(0x04034b50);
  const size = zip.readUInt32LE(18);
  const start = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
  return inflateRawSync(zip.subarray(start, start + size)).toString("utf8");
}

describe("escaping", () => {
  const hostile = verdict(XSS, [
    check("AKSBK-011", "fail", { title: `title ${XSS}`, evidence: `extension ${XSS} is missing\u0007`, remediation: `az k8s-extension create --name '</pre><script>alert(2)</script>'`, docsUrl: "javascript:alert(3)" }),
  ], { tags: { [XSS]: `"><svg onload=alert(4)>`, owner: "team@contoso.com" } });
  const m = model([hostile], [`tag backup-owner=${XSS}`]);
  const msg = buildDigestMessage(m, { to: ["team@contoso.com"], groupKey: "team@contoso.com" });

  it("nothing from Azure becomes markup: names, tags, evidence, commands, reasons", () => {
    expect(msg.html).not.toMatch(/<img|<script|<svg|javascript:/i);
    expect(msg.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(msg.html).toContain("&#39;&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;&#39;");
    expect(msg.html).toContain("&quot;&gt;&lt;svg onload=alert(4)&gt;");
    expect(msg.html).not.toContain("\u0007");
    // The only links are the encoded portal URL and http(s) documentation.
    const hrefs = [...msg.html.matchAll(/href="([^"]*)"/g)].map((x) => x[1] ?? "");
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.every((h) => h.startsWith("https://portal.azure.com/#@/resource/subscriptions/") && !/[<>"' ]/.test(h))).toBe(true);
  });

  it("the subject carries counts, never a name from Azure; the text part shows names as text, without control characters", () => {
    expect(msg.subject).toBe("AKS backup digest · Week 48, 2026: 1 non-compliant · 0% compliant");
    expect(msg.text).toContain(XSS);
    expect(msg.text).not.toContain("\u0007");
  });
});

describe("the CSV attachment", () => {
  it("has every finding, one row each, with formula-looking cells defused", () => {
    const evil = verdict("=HYPERLINK(\"http://evil.example\",\"x\")", [
      check("AKSBK-011", "fail", { evidence: "+SUM(A1:A9)", remediation: "-2+3 @cmd" }),
      check("AKSBK-022", "unknown", { evidence: "@import" }),
      check("AKSBK-040", "warn", { severity: "low", evidence: "\tTAB", suppressed: { reason: "=1+1", expires: "2026-12-01T00:00:00.000Z" } }),
      check("AKSBK-001", "pass"),
    ]);
    const m = model([evil, verdict("ok", [check("AKSBK-001", "pass")])]);
    const msg = buildDigestMessage(m, { to: ["a@contoso.com"], groupKey: "a@contoso.com" });
    const att = msg.attachments[0];
    expect(att?.name).toBe("aks-backup-findings-2026-W48.csv");
    expect(att?.contentType).toBe("text/csv");
    const csv = att?.content.toString("utf8") ?? "";
    expect(csv.startsWith("\uFEFFclusterId,clusterName,subscriptionId,")).toBe(true);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 3);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(lines[1]).toContain(",'+SUM(A1:A9),'-2+3 @cmd,");
    // Worst first: the failure, the (suppressed) warning, then the unknown.
    expect(lines[2]).toContain(",'\tTAB,");
    expect(lines[2]).toContain(",true,");
    expect(lines[2]).toContain(",'=1+1,");
    expect(lines[3]).toContain(",'@import,");
    // No cell in the file starts with a formula character unguarded.
    for (const line of lines.slice(1)) for (const cell of line.match(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g) ?? []) expect(cell.replace(/^,/, "").replace(/^"/, "")).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe("size limits", () => {
  // A big fleet: 4,000 non-compliant clusters with four findings each and long commands.
  const big = Array.from({ length: 4000 }, (_, i) =>
    verdict(`aks-${String(i).padStart(5, "0")}`, [
      check("AKSBK-011", "fail", { remediation: `az k8s-extension create --name azure-aks-backup --cluster-name aks-${i} --resource-group rg-x ${"--configuration-settings k=v ".repeat(12)}`, evidence: `evidence ${i} `.repeat(20) }),
      check("AKSBK-021", "fail", { remediation: `az aks trustedaccess rolebinding create --cluster-name aks-${i} ${"--roles r ".repeat(10)}` }),
      check("AKSBK-030", "fail"),
      check("AKSBK-040", "warn", { severity: "low" }),
    ], { firstSeenAt: "2026-11-20T06:00:00.000Z" }),
  );
  const m = model(big);

  it("keeps the HTML and text under 100 KB (Gmail clips beyond ~102 KB), cutting lists with a count", () => {
    const msg = buildDigestMessage(m, { to: ["a@contoso.com"], groupKey: "a@contoso.com" });
    expect(Buffer.byteLength(msg.html)).toBeLessThanOrEqual(DEFAULT_BUDGETS.htmlBytes);
    expect(Buffer.byteLength(msg.text)).toBeLessThanOrEqual(DEFAULT_BUDGETS.textBytes);
    expect(msg.cut).toBe(true);
    expect(msg.html).toMatch(/… and [\d,]+ non-compliant clusters more — every one is in the attached <b>aks-backup-findings-2026-W48\.zip<\/b>/);
    expect(msg.html).toContain("lists all 16000 findings");
    expect(msg.requestBytes).toBeLessThanOrEqual(DEFAULT_BUDGETS.requestBytes);
    expect(DEFAULT_BUDGETS.requestBytes).toBeLessThan(ACS_MAX_REQUEST_BYTES);
  });

  it("zips a CSV too large to attach as it is, and the archive holds every finding", () => {
    const msg = buildDigestMessage(m, { to: ["a@contoso.com"], groupKey: "a@contoso.com" });
    const att = msg.attachments[0];
    expect(att?.contentType).toBe("application/zip");
    const csv = unzip(att?.content ?? Buffer.alloc(0));
    expect(csv.trimEnd().split("\r\n")).toHaveLength(1 + 16000);
  });

  it("as a last resort keeps the first findings and says so", () => {
    // Evidence that does not compress, and a small budget.
    const noisy = model(big.map((v) => ({ ...v, checks: v.checks.map((c) => ({ ...c, evidence: randomBytes(120).toString("hex") })) })));
    const budgets = { requestBytes: 400_000, htmlBytes: 60_000, textBytes: 40_000 };
    const msg = buildDigestMessage(noisy, { to: ["a@contoso.com"], groupKey: "a@contoso.com", budgets });
    expect(msg.requestBytes).toBeLessThanOrEqual(budgets.requestBytes);
    const rows = unzip(msg.attachments[0]?.content ?? Buffer.alloc(0)).trimEnd().split("\r\n").length - 1;
    expect(rows).toBeGreaterThan(100);
    expect(rows).toBeLessThan(16000);
    expect(msg.html).toContain(`holds the first ${rows} of 16000 findings`);
    expect(msg.text).toContain(`holds the first ${rows} of 16000 findings`);
  });

  it("a small fleet is not cut at all", () => {
    const msg = buildDigestMessage(model(big.slice(0, 3)), { to: ["a@contoso.com"], groupKey: "a@contoso.com" });
    expect(msg.cut).toBe(false);
    expect(msg.html).not.toContain("… and");
    expect(msg.attachments[0]?.contentType).toBe("text/csv");
  });
});

describe("the .eml file", () => {
  it("is MIME: text and HTML alternatives, the attachment, encoded headers, no header injection", () => {
    const msg = buildDigestMessage(model([verdict("ü-cluster", [check("AKSBK-011", "fail")])]), { to: ["a@contoso.com", "b@contoso.com"], groupKey: "a@contoso.com,b@contoso.com" });
    const eml = toEml({ ...msg, subject: `${msg.subject} ✓` }, { from: "DoNotReply@contoso.com", date: NOW });
    const head = eml.slice(0, eml.indexOf("\r\n\r\n"));
    expect(head).toMatch(/^From: DoNotReply@contoso\.com\r\nTo: a@contoso\.com, b@contoso\.com\r\nSubject: =\?UTF-8\?B\?/);
    expect(head).toContain("Date: Mon, 23 Nov 2026 07:00:00 +0000");
    expect(head).toMatch(/Content-Type: multipart\/mixed; boundary="mixed-[0-9a-f]+"/);
    const parts = eml.split(/\r\n--alt-[0-9a-f]+\r\n/);
    const html = parts.find((p) => p.startsWith("Content-Type: text/html"));
    expect(Buffer.from(html?.split("\r\n\r\n")[1]?.split("\r\n--")[0]?.replace(/\r\n/g, "") ?? "", "base64").toString("utf8")).toBe(msg.html);
    expect(eml).toContain('Content-Disposition: attachment; filename="aks-backup-findings-2026-W48.csv"');
    expect(headerValue("x\r\nBcc: evil@example.com")).toBe("x Bcc: evil@example.com");
  });
});
