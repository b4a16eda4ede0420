import { describe, expect, it } from "vitest";
import { escapeMarkdown, fencedBlock, renderMarkdown } from "../../src/report/markdown.js";
import { NON_PASS_IDS, report } from "./fixture.js";

/** Cells of a GFM table row: split on pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/);
}

describe("renderMarkdown", () => {
  const md = renderMarkdown(report);

  it("escapes pipes so Azure data cannot add table columns", () => {
    expect(md).toContain("\\| pipes \\|");
    const lines = md.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] ?? "";
      if (!/^\|[-:|]+\|$/.test(line)) continue;
      const header = lines[i - 1] ?? "";
      const width = cells(header).length;
      expect(cells(line)).toHaveLength(width);
      for (let j = i + 1; j < lines.length && (lines[j] ?? "").startsWith("|"); j++) expect(cells(lines[j] ?? "")).toHaveLength(width);
    }
  });

  it("escapes HTML and inline markup from Azure data", () => {
    expect(md).not.toMatch(/(?<!\\)<img/);
    expect(md).toContain("\\<img src=x onerror=alert(1)\\>");
    expect(md).toContain("\\*stars\\*");
    expect(md).toContain("\\[link\\](javascript:alert(3))");
    expect(md).toContain('"quotes" \\& \'apostrophes\'');
  });

  it("has a summary table, every non-pass check, and no not_applicable rows", () => {
    expect(md).toContain("| 3 | 1 | 1 | 1 | 33% |");
    for (const id of NON_PASS_IDS) expect(md).toContain(id);
    expect(md).not.toContain("NA-EVIDENCE-HIDDEN");
    expect(md).toContain("2 fail · 1 warn · 1 unknown · 1 suppressed · 1 pass");
  });

  it("puts remediation in fenced blocks that its own backticks cannot close", () => {
    expect(md).toContain("````sh\naz k8s-extension create");
    expect(md).toContain("echo ```not a fence```\n````");
    expect(md).toContain("```text\naz provider show");
  });

  it("links the portal and http(s) docs only", () => {
    expect(md).toContain(
      "[Open in Azure portal](<https://portal.azure.com/#@/resource/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-evil/providers/Microsoft.ContainerService/managedClusters/evil>)",
    );
    expect(md).not.toContain("javascript:alert(4)");
  });

  it("keeps multi-line evidence inside its cell", () => {
    expect(md).toMatch(/\| private cluster<br>line two .*red.* \|/);
  });
});

describe("markdown helpers", () => {
  it("escapes markup characters and folds newlines", () => {
    expect(escapeMarkdown("a|b_c*d\ne#f")).toBe("a\\|b\\_c\\*d e\\#f");
  });
  it("picks a fence longer than any backtick run", () => {
    expect(fencedBlock("plain")).toBe("```\nplain\n```");
    expect(fencedBlock("a ```` b", "sh")).toBe("`````sh\na ```` b\n`````");
  });
});
