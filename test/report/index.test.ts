import { describe, expect, it } from "vitest";
import { FORMATS, isFormat, renderReport } from "../../src/report/index.js";
import { renderCsv } from "../../src/report/csv.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderTable } from "../../src/report/table.js";
import { report } from "./fixture.js";

describe("renderReport", () => {
  it("prints json as the pretty contract document with a trailing newline", () => {
    const out = renderReport(report, "json", { color: true });
    expect(out).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(JSON.parse(out)).toEqual(report);
  });

  it("dispatches the human formats", () => {
    expect(renderReport(report, "table", { color: false })).toBe(renderTable(report, { color: false }));
    expect(renderReport(report, "table", { color: true, width: 60 })).toBe(renderTable(report, { color: true, width: 60 }));
    expect(renderReport(report, "markdown", { color: true })).toBe(renderMarkdown(report));
    expect(renderReport(report, "csv", { color: true })).toBe(renderCsv(report));
    expect(renderReport(report, "html", { color: true })).toBe(renderHtml(report));
  });

  it("knows its formats", () => {
    expect(FORMATS).toEqual(["json", "table", "markdown", "csv", "html"]);
    expect(isFormat("csv")).toBe(true);
    expect(isFormat("xml")).toBe(false);
  });

  it("renders an empty fleet in every format", () => {
    const empty = { ...report, summary: { clusters: 0, compliant: 0, nonCompliant: 0, unknown: 0 }, clusters: [], notes: undefined, collection: undefined, checks: undefined };
    for (const f of FORMATS) expect(renderReport(empty, f, { color: false }).length).toBeGreaterThan(0);
    expect(renderReport(empty, "table", { color: false })).toContain("0 clusters:");
  });
});
