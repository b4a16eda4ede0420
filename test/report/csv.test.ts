import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, csvCell, renderCsv } from "../../src/report/csv.js";
import { FORMULA, QUOTES, XSS_NAME, report } from "./fixture.js";

/** A strict RFC 4180 parser: records end with CRLF; a bare CR or LF is only allowed inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let quoted = false;
  let cellStart = true;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (!(text[i] === "," || text.startsWith("\r\n", i))) throw new Error(`junk after closing quote at ${i}`);
        continue;
      }
      cell += ch;
      i++;
      continue;
    }
    if (cellStart && ch === '"') {
      quoted = true;
      cellStart = false;
      i++;
      continue;
    }
    if (ch === ",") {
      row.push(cell);
      cell = "";
      cellStart = true;
      i++;
      continue;
    }
    if (text.startsWith("\r\n", i)) {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      cellStart = true;
      i += 2;
      continue;
    }
    if (ch === "\r" || ch === "\n" || ch === '"') throw new Error(`unquoted ${JSON.stringify(ch)} at ${i}`);
    cell += ch;
    cellStart = false;
    i++;
  }
  if (quoted) throw new Error("unterminated quote");
  if (!cellStart || cell !== "" || row.length > 0) throw new Error("last record lacks CRLF");
  return rows;
}

const unguard = (cell: string): string => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

describe("renderCsv", () => {
  const csv = renderCsv(report);
  const rows = parseCsv(csv);
  const [header, ...body] = rows;

  it("has the agreed columns first and one row per (cluster, check)", () => {
    expect(header?.slice(0, 13)).toEqual([
      "clusterId", "clusterName", "subscriptionId", "resourceGroup", "location", "clusterStatus",
      "checkId", "severity", "status", "suppressed", "title", "evidence", "remediation",
    ]);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(body).toHaveLength(report.clusters.reduce((n, c) => n + c.checks.length, 0));
    for (const r of body) expect(r).toHaveLength(CSV_COLUMNS.length);
  });

  it("round-trips every value through quoting", () => {
    let i = 0;
    for (const cluster of report.clusters) {
      for (const check of cluster.checks) {
        const r = (body[i++] ?? []).map(unguard);
        expect(r).toEqual([
          cluster.id, cluster.name, cluster.subscriptionId, cluster.resourceGroup, cluster.location, cluster.status,
          check.id, check.severity, check.status, check.suppressed ? "true" : "false", check.title, check.evidence,
          check.remediation ?? "", check.suppressed?.reason ?? "", check.suppressed?.expires ?? "", check.docsUrl ?? "",
        ]);
      }
    }
    expect(csv).toContain(`"Extension state ""quotes"" & 'apostrophes' | pipes`);
    expect(body.some((r) => r[1] === XSS_NAME)).toBe(true);
    expect(body.some((r) => r[13] === `Tracked in CHG-42 ${QUOTES}`)).toBe(true);
  });

  it("guards cells a spreadsheet would run as a formula", () => {
    const velero = body.find((r) => r[6] === "AKSBK-016");
    expect(velero?.[11]).toBe(`'${FORMULA}`);
    expect(velero?.[12]).toBe("'-az k8s-extension delete --name velero");
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click me"")"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it("ends records with CRLF", () => {
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.split("\r\n")[0]).toBe(CSV_COLUMNS.join(","));
  });
});

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ["\rx", "\"'\rx\""],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["line\nbreak", '"line\nbreak"'],
    ["a=b", "a=b"],
  ])("%j → %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });
});
