/** `collect` → offline `audit` gives the same verdicts as the live `audit` of the same fleet, through the CLI. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main, type Io } from "../../../src/cli/main.js";
import { fakeCredential, startFakeAzure, type FakeAzure } from "../../support/fake-azure.js";
import { SAMPLE, splitForFake } from "./fleet-for-fake.js";

let fake: FakeAzure;
beforeAll(async () => {
  fake = await startFakeAzure({ ...splitForFake(SAMPLE.resources), graphQuota: { requests: 15, windowMs: 5000 }, armQuota: null });
});
afterAll(() => fake.close());

function io(): { io: Io; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env: { AKS_BACKUP_AUDITOR_ARM_ENDPOINT: fake.url },
      live: { credential: fakeCredential("auditor"), ca: fake.ca },
    },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

const statuses = (json: string) =>
  Object.fromEntries(
    (JSON.parse(json) as { clusters: { id: string; checks: { id: string; status: string }[] }[] }).clusters.map((c) => [c.id.toLowerCase(), c.checks.map((k) => `${k.id}=${k.status}`).join(" ")]),
  );

describe("live audits through the CLI", () => {
  it("collect then audit offline gives the live audit's verdicts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aks-live-"));
    const snap = join(dir, "snapshot.json");
    const c = io();
    expect(await main(["collect", "--subscription", ...SAMPLE.scope.subscriptions, "--out", snap], c.io)).toBe(0);
    expect(c.err()).toMatch(/wrote .*snapshot\.json: \d+ resources, 22 cluster\(s\), 0 gap\(s\)/);
    const written = JSON.parse(readFileSync(snap, "utf8")) as { schema: string; collected: string[] };
    expect(written.schema).toBe("aks-backup-auditor/snapshot@1");
    expect(written.collected).toHaveLength(14);

    const live = io();
    expect(await main(["audit", "--subscription", ...SAMPLE.scope.subscriptions, "--store", "none", "--format", "json"], live.io)).toBe(1);
    const offline = io();
    expect(await main(["audit", "--snapshot", snap, "--store", "none", "--format", "json"], offline.io)).toBe(1);
    expect(statuses(offline.out())).toEqual(statuses(live.out()));
    expect(Object.keys(statuses(live.out()))).toHaveLength(22);
  });

  it("says what it missed, marks it unknown, and exits 1 for a partial collection", async () => {
    const h = fake.inject({ route: "graph", match: (r) => JSON.stringify(r.body).includes("recoveryservicesresources"), status: 500, times: 1000 });
    const t = io();
    const code = await main(["audit", "--subscription", ...SAMPLE.scope.subscriptions, "--store", "none", "--format", "json", "--verbose"], t.io);
    fake.clearFaults();
    expect(h.fired).toBeGreaterThan(0);
    expect(code).toBe(1);
    expect(t.err()).toMatch(/not collected: backupInstances in subscription/);
    expect(t.err()).toMatch(/POST \/providers\/Microsoft\.ResourceGraph\/resources → 500/); // --verbose
    expect(t.err()).not.toMatch(/Bearer|auditor/); // never the token
    const report = JSON.parse(t.out()) as { clusters: { checks: { id: string; status: string }[] }[]; collection: { errors: unknown[] } };
    expect(report.collection.errors.length).toBeGreaterThan(0);
    for (const c of report.clusters) expect(c.checks.find((k) => k.id === "AKSBK-030")?.status).toBe("unknown");
  });

  it("shows a live progress line on a terminal, and none when piped", async () => {
    const tty = io();
    (tty.io.stderr as { isTTY?: boolean }).isTTY = true;
    await main(["collect", "--subscription", ...SAMPLE.scope.subscriptions, "--out", "/dev/null"], tty.io);
    expect(tty.err()).toMatch(/\r\x1b\[2Kcollecting: \d+ kind queries, \d+ pages, \d+ rows, 22 clusters, ARM \d+\/\d+/);
    const piped = io();
    await main(["collect", "--subscription", ...SAMPLE.scope.subscriptions, "--out", "/dev/null"], piped.io);
    expect(piped.err()).not.toMatch(/collecting:|\x1b/);
  });

  it("rejects mixing sources and malformed settings with exit code 2", async () => {
    const t = io();
    expect(await main(["audit", "--subscription", "x", "--snapshot", "y"], t.io)).toBe(2);
    const bad = io();
    bad.io.env["AKS_BACKUP_AUDITOR_ARM_ENDPOINT"] = "not a url";
    expect(await main(["collect", "--subscription", "x", "--out", "/dev/null"], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/AKS_BACKUP_AUDITOR_ARM_ENDPOINT/);
  });
});
