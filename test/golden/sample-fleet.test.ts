/**
 * The JSON report of the bundled sample fleet, as a golden file. The expected verdicts were derived
 * independently from checks.md (examples/README.md has the table); a change here is a change of
 * behaviour: regenerate with `UPDATE_GOLDEN=1 npx vitest run test/golden` and review the diff.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runAudit } from "../../src/index.js";

const GOLDEN = new URL("./sample-fleet.report.json", import.meta.url);
const SAMPLE = new URL("../../examples/sample-fleet.json", import.meta.url);

describe("the sample fleet", async () => {
  const report = await runAudit({ snapshotPaths: [SAMPLE.pathname], generatedAt: new Date("2026-11-23T08:00:00Z") });
  const text = JSON.stringify(report, null, 2) + "\n";
  if (process.env["UPDATE_GOLDEN"]) writeFileSync(GOLDEN, text);

  it("matches the golden report", () => {
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("has the statuses the examples README expects", () => {
    expect(report.summary).toEqual({ clusters: 22, compliant: 7, nonCompliant: 12, unknown: 3 });
    const status = Object.fromEntries(report.clusters.map((c) => [c.name, c.status]));
    expect(status["aks-payments-prod"]).toBe("compliant");
    expect(status["aks-batch-dev"]).toBe("compliant"); // warns only
    expect(status["aks-risk-prod"]).toBe("unknown");
    expect(status["aks-qa-weu"]).toBe("non_compliant");
  });

  it("lists every check for every cluster", () => {
    for (const c of report.clusters) expect(c.checks.map((k) => k.id)).toHaveLength(26);
  });
});
