/**
 * `digest --preview` and `digest --send` through commander, with main.ts's store helper replaced by
 * the test's store (main.ts wires the real one).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerDigestCommand, type DigestCommandHelpers } from "../../src/cli/digest-command.js";
import type { Io } from "../../src/cli/main.js";
import { DigestLedger } from "../../src/digest/ledger.js";
import type { ResultsStore } from "../../src/store/results-store.js";
import { freshStore } from "../store/store-fixture.js";
import { FakeAcs } from "./fake-acs.js";
import { auditSampleWithHistory, SAMPLE_NOW } from "./sample-history.js";

let store: ResultsStore;
let acs: FakeAcs;
const dir = mkdtempSync(join(tmpdir(), "aks-digest-cli-"));

beforeAll(async () => {
  store = await freshStore();
  await auditSampleWithHistory(store);
  acs = await new FakeAcs().start();
}, 60_000);
afterAll(() => acs.stop());

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string; error?: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env, cwd: dir };
  let code = 0;
  const helpers: DigestCommandHelpers = {
    withStore: (_option, _io, fn) => fn(store, "test store"),
    setExitCode: (c) => {
      code = c;
    },
    clock: () => SAMPLE_NOW,
    acs: { clientOptions: { tlsOptions: { ca: acs.ca }, retryOptions: { maxRetries: 0 } }, pollIntervalMs: 5 },
  };
  const program = new Command("aks-backup-audit").exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerDigestCommand(program, io, helpers);
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (e) {
    return { code: 2, out: out.join(""), err: err.join(""), error: (e as Error).message };
  }
  return { code, out: out.join(""), err: err.join("") };
}

describe("aks-backup-audit digest", () => {
  it("--preview writes the fleet's digest and sends or records nothing", async () => {
    const file = join(dir, "digest.html");
    const r = await run(["digest", "--preview", file, "--text", "-", "--csv", join(dir, "f.csv")]);
    expect(r.error).toBeUndefined();
    expect(readFileSync(file, "utf8")).toMatch(/^<!DOCTYPE html>[\s\S]*Week 48, 2026/);
    expect(r.out).toContain("NEWLY NON-COMPLIANT (2)");
    expect(readFileSync(join(dir, "f.csv"), "utf8")).toContain("aks-ledger-prod");
    expect(r.err).toMatch(/^digest 2026-W48 for the whole fleet: 22 clusters, 12 non-compliant, 3 unknown, 7 compliant — written to .*digest\.html \(\d+ KB HTML, 89 findings in aks-backup-findings-2026-W48\.csv/);
    expect(await new DigestLedger(store.table("DigestLedger")).list("2026-W48")).toEqual([]);
    expect(existsSync(join(dir, ".aks-backup-auditor"))).toBe(false);
  });

  it("--preview --recipient shows what one address receives", async () => {
    const env = { AKS_BACKUP_AUDITOR_DIGEST_ROUTES: '[{"tag":"env","value":"sandbox","to":["ds@contoso.com"]}]' };
    const file = join(dir, "ds.html");
    const r = await run(["digest", "--preview", file, "--recipient", "DS@contoso.com"], env);
    expect(r.error).toBeUndefined();
    const html = readFileSync(file, "utf8");
    expect(html).toContain("aks-sandbox-ds");
    expect(html).not.toContain("aks-ledger-prod");
    expect(r.err).toMatch(/for DS@contoso\.com: 2 clusters, 2 non-compliant/);
    expect((await run(["digest", "--preview", file, "--recipient", "nobody@contoso.com"], env)).error).toMatch(/no digest goes to nobody@contoso\.com \(recipients: ds@contoso\.com\)/);
  });

  it("--send without email settings writes the outbox, and a second run sends nothing", async () => {
    const env = { AKS_BACKUP_AUDITOR_DIGEST_RECIPIENTS: "ops@contoso.com", AKS_BACKUP_AUDITOR_DIGEST_PERIOD: "day" };
    const r = await run(["digest", "--send"], env);
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^sent +ops@contoso\.com \(22 clusters\): AKS backup digest · 23 Nov 2026: 12 non-compliant \(2 new, 1 fixed\) · 31% compliant\n$/);
    expect(r.err).toMatch(/digest 2026-11-23 via outbox folder .*: 1 sent/);
    expect(readdirSync(join(dir, ".aks-backup-auditor", "outbox")).sort()).toEqual([expect.stringMatching(/^2026-11-23--ops@contoso\.com-[0-9a-f]{8}\.eml$/), expect.stringMatching(/\.html$/)]);
    const again = await run(["digest", "--send"], env);
    expect(again.out).toMatch(/^already_sent/);
  });

  it("--send through ACS; exit code 1 while a digest is not delivered", async () => {
    const env = { AKS_BACKUP_AUDITOR_EMAIL_CONNECTION_STRING: acs.connectionString, AKS_BACKUP_AUDITOR_EMAIL_SENDER: "DoNotReply@contoso.com", AKS_BACKUP_AUDITOR_DIGEST_RECIPIENTS: "acs@contoso.com", AKS_BACKUP_AUDITOR_DIGEST_PERIOD: "month" };
    acs.plan = () => ({ kind: "reject", status: 400, code: "InvalidSenderDomain", message: "sender domain not verified" });
    const refused = await run(["digest", "--send"], env);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/^failed +acs@contoso\.com .*InvalidSenderDomain/);
    acs.plan = () => ({ kind: "accept", end: "Succeeded" });
    const ok = await run(["digest", "--send"], env);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^sent/);
    expect(ok.err).toMatch(/via Azure Communication Services 127\.0\.0\.1:\d+ \(access key\): 1 sent/);
    expect(acs.emails.map((m) => m.body.recipients.to[0]?.address)).toEqual(["acs@contoso.com"]);
  });

  it("refuses unclear requests", async () => {
    expect((await run(["digest"])).error).toMatch(/exactly one of --preview <file> or --send/);
    expect((await run(["digest", "--send", "--preview", "x.html"])).error).toMatch(/exactly one/);
    expect((await run(["digest", "--send", "--recipient", "a@contoso.com"])).error).toMatch(/go with --preview/);
    expect((await run(["digest", "--send"], { AKS_BACKUP_AUDITOR_DIGEST_SCHEDULE: "weekly" })).error).toMatch(/AKS_BACKUP_AUDITOR_DIGEST_SCHEDULE/);
  });
});
