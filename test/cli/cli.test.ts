import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { main, type Io } from "../../src/cli/main.js";
import { compliantFleet, cluster } from "../checks/harness.js";

/** Each test's own tables on the shared Azurite, through the settings a deployment would use. */
function storeEnv(prefix = `cli${randomBytes(4).toString("hex")}`): Record<string, string> {
  return { AKS_BACKUP_AUDITOR_TABLES_CONNECTION_STRING: inject("tablesConnectionString"), AKS_BACKUP_AUDITOR_TABLE_PREFIX: prefix };
}

function io(tty = false, env: Record<string, string> = storeEnv()) {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = {
    stdout: { write: (s: string) => out.push(s), isTTY: tty },
    stderr: { write: (s: string) => err.push(s) },
    env,
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
    ["an unsupported store", ["audit", "--snapshot", compliant, "--store", "ftp://x"], /--store must be/],
    ["a malformed setting", ["results"], /AKS_BACKUP_AUDITOR_TABLES_ENDPOINT/, { AKS_BACKUP_AUDITOR_TABLES_ENDPOINT: "not a url" }],
    ["a suppression without a reason", ["suppress", "add", "--check", "AKSBK-040", "--scope", "/subscriptions/s", "--reason", " "], /--reason/],
    ["a suppression of an unknown check", ["suppress", "add", "--check", "AKSBK-999", "--scope", "/subscriptions/s", "--reason", "x"], /no such check/],
    ["an expiry in the past", ["suppress", "add", "--check", "AKSBK-040", "--scope", "/subscriptions/s", "--reason", "x", "--expires", "2001-01-01"], /in the past/],
  ])("exits 2 with a message on stderr and nothing on stdout for %s", async (_name, argv, message, env?: Record<string, string>) => {
    const t = io(false, env ?? storeEnv());
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

describe("stored results", () => {
  const broken2 = file("two.json", {
    collectedAt: "2026-11-23T06:00:00Z",
    scope: { subscriptions: ["11111111-2222-3333-4444-555555555555"] },
    resources: [...compliantFleet(), cluster({ id: compliantFleet()[0]?.["id"] + "-b", name: "aks-1-b", identity: undefined })],
  });

  it("audit stores verdicts; results, history and suppressions work on them", async () => {
    const env = storeEnv();
    const a = io(false, env);
    expect(await main(["audit", "--snapshot", broken2], a.io)).toBe(1);
    expect(a.err()).toMatch(/2 new, 0 changed, 0 unchanged/);

    const again = io(false, env);
    await main(["audit", "--snapshot", broken2], again.io);
    expect(again.err()).toMatch(/0 new, 0 changed, 2 unchanged \(0 transactions\)/);

    const r = io(false, env);
    expect(await main(["results", "--check", "AKSBK-004", "--format", "json"], r.io)).toBe(1);
    expect(JSON.parse(r.out()).clusters.map((c: { name: string }) => c.name)).toEqual(["aks-1-b"]);

    const brokenId = String(compliantFleet()[0]?.["id"]) + "-b";
    const h = io(false, env);
    expect(await main(["history", brokenId, "--format", "json"], h.io)).toBe(0);
    const hist = JSON.parse(h.out());
    expect(hist.cluster.status).toBe("non_compliant");
    expect(hist.transitions.map((t: { checkId: string }) => t.checkId)).toContain("AKSBK-004");

    // Suppress every check on that cluster (it lacks everything): statuses stay, the cluster counts as compliant.
    const s = io(false, env);
    expect(await main(["suppress", "add", "--check", "*", "--scope", brokenId, "--reason", "migrating to MI in Q1", "--expires", "30d"], s.io)).toBe(0);
    const after = io(false, env);
    expect(await main(["audit", "--snapshot", broken2, "--format", "json"], after.io)).toBe(0);
    const rep = JSON.parse(after.out());
    const c = rep.clusters.find((x: { name: string }) => x.name === "aks-1-b");
    expect(c.status).toBe("compliant");
    expect(c.checks.find((k: { id: string }) => k.id === "AKSBK-004")).toMatchObject({ status: "fail", suppressed: { reason: "migrating to MI in Q1" } });

    const l = io(false, env);
    await main(["suppress", "list", "--format", "json"], l.io);
    const list = JSON.parse(l.out());
    expect(list).toHaveLength(1);
    expect(list[0].state).toBe("active");
    const rm = io(false, env);
    expect(await main(["suppress", "remove", "--check", "*", "--scope", brokenId], rm.io)).toBe(0);
    const l2 = io(false, env);
    await main(["suppress", "list", "--format", "json"], l2.io);
    expect(JSON.parse(l2.out())).toEqual([]);
  });

  it("history of a cluster it never saw is a usage error", async () => {
    const t = io();
    expect(await main(["history", "/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerService/managedClusters/z"], t.io)).toBe(2);
    expect(t.err()).toMatch(/no stored results/);
  });

  it("--store none audits without storing", async () => {
    const t = io();
    expect(await main(["audit", "--snapshot", compliant, "--store", "none"], t.io)).toBe(0);
    expect(t.err()).not.toMatch(/stored in/);
  });
});
