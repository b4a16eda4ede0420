import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type Io } from "../../src/cli/main.js";
import { compliantFleet, cluster } from "../checks/harness.js";

function io(tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = {
    stdout: { write: (s: string) => out.push(s), isTTY: tty },
    stderr: { write: (s: string) => err.push(s) },
    env: {},
  };
  return { io: value, out: () => out.join(""), err: () => err.join("") };
}

const dir = mkdtempSync(join(tmpdir(), "aks-cli-"));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}

const compliant = file("compliant.json", { schema: "aks-backup-auditor/snapshot@1", collectedAt: "2026-11-23T06:00:00Z", resources: compliantFleet() });
const broken = file("broken.json", { collectedAt: "2026-11-23T06:00:00Z", resources: [cluster({ identity: undefined })] });

describe("aks-backup-audit audit", () => {
  it("exits 0 and prints one JSON report when everything is compliant (stdout not a terminal)", async () => {
    const t = io();
    expect(await main(["audit", "--snapshot", compliant], t.io)).toBe(0);
    const report = JSON.parse(t.out());
    expect(report.schema).toBe("aks-backup-auditor/report@1");
    expect(report.summary).toEqual({ clusters: 1, compliant: 1, nonCompliant: 0, unknown: 0 });
    expect(report.clusters[0].checks).toHaveLength(26);
  });

  it("exits 1 when a cluster is non-compliant, and 0 with --exit-zero", async () => {
    expect(await main(["audit", "--snapshot", broken], io().io)).toBe(1);
    expect(await main(["audit", "--snapshot", broken, "--exit-zero"], io().io)).toBe(0);
  });

  it("defaults to the table format on a terminal", async () => {
    const t = io(true);
    await main(["audit", "--snapshot", compliant], t.io);
    expect(t.out()).toMatch(/COMPLIANT/);
    expect(() => JSON.parse(t.out())).toThrow();
  });

  it("writes --out in the format its extension names, and prints nothing on stdout", async () => {
    const t = io();
    const out = join(dir, "r.html");
    expect(await main(["audit", "--snapshot", broken, "--out", out], t.io)).toBe(1);
    expect(t.out()).toBe("");
    expect(readFileSync(out, "utf8")).toMatch(/^<!DOCTYPE html>/i);
    expect(t.err()).toMatch(/non-compliant/);
  });

  it.each(["json", "table", "markdown", "csv", "html"])("renders --format %s", async (format) => {
    const t = io();
    await main(["audit", "--snapshot", broken, "--format", format], t.io);
    expect(t.out()).toContain("AKSBK-004");
  });

  it.each([
    ["a missing file", ["audit", "--snapshot", join(dir, "nope.json")], /nope\.json: file not found/],
    ["a file that is not JSON", ["audit", "--snapshot", file("bad.json", "{oops")], /bad\.json: not valid JSON/],
    ["an element without an id", ["audit", "--snapshot", file("noid.json", [{ id: "/a" }, { name: "x" }])], /noid\.json: resources\[1\]/],
    ["an unknown format", ["audit", "--snapshot", compliant, "--format", "pdf"], /pdf/],
    ["a missing --snapshot", ["audit"], /--snapshot/],
    ["an unknown command", ["frobnicate"], /unknown command/],
    ["an unsupported store", ["audit", "--snapshot", compliant, "--store", "https://x.table.core.windows.net"], /--store/],
  ])("exits 2 with a message on stderr and nothing on stdout for %s", async (_name, argv, message) => {
    const t = io();
    expect(await main(argv as string[], t.io)).toBe(2);
    expect(t.out()).toBe("");
    expect(t.err()).toMatch(message);
  });

  it("audits a snapshot without clusters and says so", async () => {
    const t = io();
    expect(await main(["audit", "--snapshot", file("empty.json", [])], t.io)).toBe(0);
    const report = JSON.parse(t.out());
    expect(report.summary.clusters).toBe(0);
    expect(report.notes.join(" ")).toMatch(/no AKS cluster/);
  });
});

describe("aks-backup-audit checks and --help", () => {
  it("lists the catalogue", async () => {
    const t = io();
    expect(await main(["checks", "--format", "json"], t.io)).toBe(0);
    const list = JSON.parse(t.out());
    expect(list.map((c: { id: string }) => c.id)).toContain("AKSBK-042");
  });

  it.each([["--help"], ["audit", "--help"], ["checks", "--help"]])("%s prints usage and exits 0", async (...argv) => {
    const t = io();
    expect(await main(argv, t.io)).toBe(0);
    expect(t.out()).toMatch(/Usage: aks-backup-audit/);
  });
});
