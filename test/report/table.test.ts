import { describe, expect, it } from "vitest";
import { renderTable, sanitizeForTerminal, wrapText } from "../../src/report/table.js";
import { LONG_COMMAND, NON_PASS_IDS, XSS_NAME, report } from "./fixture.js";

const ESC = "\u001b";

describe("renderTable", () => {
  it("has no ANSI escapes without colour, not even ones smuggled in through Azure data", () => {
    const out = renderTable(report, { color: false });
    expect(out).not.toContain(ESC);
    expect(out).toContain("\\u001b[31mred");
  });

  it("colours statuses when asked: red fail, yellow warn, grey unknown, green compliant", () => {
    const out = renderTable(report, { color: true });
    expect(out).toContain(`${ESC}[31m${ESC}[1mFAIL`);
    expect(out).toContain(`${ESC}[33mWARN`);
    expect(out).toContain(`${ESC}[90mUNKNOWN`);
    expect(out).toContain(`${ESC}[32m${ESC}[1mCOMPLIANT`);
    expect(out).not.toContain(`${ESC}[31mred`);
  });

  it("starts with the summary", () => {
    const [title, summary] = renderTable(report, { color: false }).split("\n");
    expect(title).toContain("2026-11-23T08:00:00Z");
    expect(summary).toBe("3 clusters:  1 compliant  1 non-compliant  1 unknown  (33% compliant)");
  });

  it("lists every non-pass check and hides pass and not_applicable", () => {
    const out = renderTable(report, { color: false });
    for (const id of NON_PASS_IDS) expect(out).toContain(id);
    expect(out).not.toContain("AKSBK-041");
    expect(out).not.toContain("NA-EVIDENCE-HIDDEN");
    expect(out).not.toContain("AKSBK-001");
  });

  it("puts the worst clusters first and shows where each one lives", () => {
    const out = renderTable(report, { color: false });
    const lines = out.split("\n");
    const clusterLines = lines.filter((l) => /^(NON-COMPLIANT|UNKNOWN|COMPLIANT) /.test(l));
    expect(clusterLines.map((l) => l.split(/\s+/)[0])).toEqual(["NON-COMPLIANT", "UNKNOWN", "COMPLIANT"]);
    expect(clusterLines[0]).toContain(XSS_NAME);
    expect(clusterLines[0]).toContain("22222222-2222-2222-2222-222222222222/rg-evil");
    expect(clusterLines[0]).toContain("(2 fail, 1 warn, 1 unknown, 1 suppressed)");
  });

  it("wraps evidence to the width but never breaks a command", () => {
    const out = renderTable(report, { color: false, width: 60 });
    const lines = out.split("\n");
    expect(lines.some((l) => l.trim() === LONG_COMMAND)).toBe(true);
    const evidenceLines = lines.filter((l) => /principal|role assignment on|inherited from|subscription\.$/.test(l) && !l.includes("az role"));
    expect(evidenceLines.length).toBeGreaterThan(1);
    for (const l of evidenceLines) expect(l.length).toBeLessThanOrEqual(60);
  });

  it("marks suppressed findings with their reason and expiry", () => {
    const out = renderTable(report, { color: false });
    expect(out).toMatch(/\(suppressed until 2027-01-01: Tracked in CHG-42/);
  });

  it("shows only http(s) documentation links", () => {
    const out = renderTable(report, { color: false });
    expect(out).toContain("Docs: https://learn.microsoft.com/azure/backup/");
    expect(out).not.toContain("javascript:alert(4)");
  });

  it("lists collection errors and notes", () => {
    const out = renderTable(report, { color: false });
    expect(out).toContain("providers in subscription 11111111-1111-1111-1111-111111111111: 403 Forbidden");
    expect(out).toContain("In-tree volumes");
  });
});

describe("terminal helpers", () => {
  it("makes control and bidi characters visible", () => {
    expect(sanitizeForTerminal("a\u001b[2Jb\u202ec\u0007")).toBe("a\\u001b[2Jb\\u202ec\\u0007");
  });
  it("wraps greedily and keeps over-long words whole", () => {
    expect(wrapText("aaa bbb ccc", 7)).toEqual(["aaa bbb", "ccc"]);
    expect(wrapText("x /subscriptions/very/long/id y", 5)).toEqual(["x", "/subscriptions/very/long/id", "y"]);
    expect(wrapText("one\ntwo", 80)).toEqual(["one", "two"]);
  });
});

describe("renderTable at fleet scale", () => {
  it("renders 5,000 clusters of 30 checks without argument-count limits", () => {
    const base = report.clusters[1];
    if (!base) throw new Error("fixture");
    const checks = Array.from({ length: 30 }, (_, i) => ({ ...base.checks[5]!, id: `AKSBK-${String(i).padStart(3, "0")}` }));
    const clusters = Array.from({ length: 5000 }, (_, i) => ({ ...base, name: `c${i}`, checks }));
    const big = { ...report, clusters, summary: { clusters: 5000, compliant: 0, nonCompliant: 5000, unknown: 0 } };
    const out = renderTable(big, { color: false });
    expect(out.split("\n").filter((l) => l.startsWith("NON-COMPLIANT"))).toHaveLength(5000);
  });
});
