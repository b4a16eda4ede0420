#!/usr/bin/env node
/**
 * aks-backup-audit — the command line (contracts.md §3). Exit codes: 0 ran and nothing is
 * non-compliant; 1 ran and at least one cluster is non-compliant; 2 usage error or unreadable input.
 */
import { randomUUID } from "node:crypto";
import { realpathSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { catalogue, evaluateFleet } from "../checks/evaluate.js";
import { CHECKS } from "../checks/registry.js";
import { loadSettings, SettingsError } from "../config/settings.js";
import { mergeSnapshots, parseSnapshotDocument, readSnapshots, SnapshotError, type MergedSnapshot } from "../inventory/snapshot.js";
import { registerDigestCommand } from "./digest-command.js";
import { collectLive, type LiveDeps } from "./live.js";
import { Fleet, INDEXED_TYPES } from "../model/fleet.js";
import type { AuditReport, ClusterStatus, Status } from "../model/types.js";
import { renderReport, type Format } from "../report/index.js";
import { openStore, resolveStoreTarget, StoreConfigError, type OpenStore } from "../store/connect.js";
import { isExpired, ResultsStore, suppressionLookup, type StoredVerdict } from "../store/results-store.js";

export const EXIT = { ok: 0, nonCompliant: 1, usage: 2 } as const;

export class UsageError extends Error {
  override name = "UsageError";
}

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean | undefined };
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined };
  env: Record<string, string | undefined>;
  /** Working directory for the embedded store's data folder. */
  cwd?: string;
  /** Live-inventory dependencies (tests inject a credential and a test server's CA). */
  live?: LiveDeps;
}

const FORMATS = ["json", "table", "markdown", "csv", "html"] as const;
const STORE_HELP =
  'where results are stored: "local" (embedded Azurite, data in ./.aks-backup-auditor/; the default without settings), "memory", "none", a table endpoint URL (https://<account>.table.core.windows.net, signed in with DefaultAzureCredential) or a connection string; default from AKS_BACKUP_AUDITOR_TABLES_ENDPOINT / _CONNECTION_STRING';

function formatFor(opt: string | undefined, out: string | undefined, tty: boolean): Format {
  if (opt) return opt as Format;
  if (out) {
    const ext = out.toLowerCase().split(".").pop();
    const byExt: Record<string, Format> = { json: "json", md: "markdown", markdown: "markdown", csv: "csv", html: "html", htm: "html", txt: "table" };
    if (ext && byExt[ext]) return byExt[ext];
  }
  return tty ? "table" : "json";
}

/** `30d`, `12h`, `2w` or an ISO date/time → ISO time. */
export function parseExpiry(v: string, now = new Date()): string {
  const rel = /^(\d+)\s*([hdw])$/i.exec(v.trim());
  if (rel) {
    const n = Number(rel[1]);
    const unit = { h: 3600e3, d: 86400e3, w: 7 * 86400e3 }[(rel[2] ?? "d").toLowerCase() as "h" | "d" | "w"];
    return new Date(now.getTime() + n * unit).toISOString();
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--expires ${v}: use a date (2027-01-31), a time (2027-01-31T12:00:00Z) or a duration (30d, 12h, 2w)`);
  if (t <= now.getTime()) throw new UsageError(`--expires ${v} is in the past`);
  return new Date(t).toISOString();
}

export function reportFromVerdicts(verdicts: readonly StoredVerdict[], generatedAt = new Date()): AuditReport {
  const summary = { clusters: 0, compliant: 0, nonCompliant: 0, unknown: 0 };
  for (const v of verdicts) {
    if (v.deletedAt) continue;
    summary.clusters++;
    if (v.status === "compliant") summary.compliant++;
    else if (v.status === "non_compliant") summary.nonCompliant++;
    else summary.unknown++;
  }
  return {
    schema: "aks-backup-auditor/report@1",
    generatedAt: generatedAt.toISOString(),
    summary,
    clusters: verdicts.map((v) => ({ ...v })),
    checks: catalogue(),
  };
}

async function withStore<T>(option: string | undefined, io: Io, fn: (store: ResultsStore, where: string) => Promise<T>): Promise<T> {
  const settings = loadSettings(io.env);
  const target = resolveStoreTarget(option, { connectionString: settings.tablesConnectionString, endpoint: settings.tablesEndpoint }, io.cwd ? `${io.cwd}/.aks-backup-auditor` : undefined);
  if (target.kind === "none") throw new UsageError("this command needs a results store: --store none has nothing to read");
  const open: OpenStore = await openStore(target);
  try {
    const store = new ResultsStore(open.factory, settings.tablePrefix);
    await store.ensureTables();
    return await fn(store, open.describe);
  } finally {
    await open.close();
  }
}

function output(io: Io, text: string, out: string | undefined): Promise<void> | void {
  if (out) return writeFile(out, text);
  io.stdout.write(text);
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command("aks-backup-audit")
    .description("Audit AKS clusters against the prerequisites of Azure Backup for AKS.")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command("audit")
    .description("Audit the clusters of snapshot files (offline) or of subscriptions / management groups (live), print a report and store the verdicts.")
    .option("--snapshot <file...>", "snapshot file(s): our snapshot format, a JSON array of resources, or Resource Graph output; merged, duplicates removed")
    .option("--subscription <id...>", "audit these subscriptions live (signed in with DefaultAzureCredential)")
    .option("--management-group <id...>", "audit every subscription under these management groups live")
    .option("--verbose", "live: log every Azure request (method, path, status, duration)")
    .addOption(new Option("--format <format>", "report format (default: table on a terminal, json otherwise; or from the --out extension)").choices(FORMATS))
    .option("--out <file>", "write the report to a file instead of stdout")
    .option("--store <target>", STORE_HELP)
    .option("--exit-zero", "exit 0 even when clusters are non-compliant (exit 2 still reports bad input)")
    .option("--no-color", "no ANSI colours in table output")
    .addHelpText(
      "after",
      "\nExit codes: 0 nothing non-compliant, 1 at least one cluster non-compliant or a live collection that missed something (see the report's collection.errors), 2 usage error or unreadable input.\n\nExamples:\n  aks-backup-audit audit --snapshot fleet.json --format html --out report.html\n  aks-backup-audit audit --snapshot a.json b.json --store none --format json\n  aks-backup-audit audit --subscription 00000000-0000-0000-0000-000000000000 --format html --out report.html",
    )
    .action(async (o: { snapshot?: string[]; subscription?: string[]; managementGroup?: string[]; verbose?: boolean; format?: Format; out?: string; store?: string; exitZero?: boolean; color: boolean }) => {
      const started = new Date();
      const settings = loadSettings(io.env);
      const sources = [o.snapshot, o.subscription, o.managementGroup].filter((x) => x?.length).length;
      if (sources !== 1) throw new UsageError("give exactly one of --snapshot FILE…, --subscription ID… or --management-group ID…");
      const target = resolveStoreTarget(o.store, { connectionString: settings.tablesConnectionString, endpoint: settings.tablesEndpoint }, io.cwd ? `${io.cwd}/.aks-backup-auditor` : undefined);
      let merged: MergedSnapshot;
      let live = false;
      if (o.snapshot?.length) merged = await readSnapshots(o.snapshot, { onlyTypes: INDEXED_TYPES });
      else {
        live = true;
        const { snapshot, metrics } = await collectLive({ scope: { subscriptions: o.subscription ?? [], managementGroups: o.managementGroup ?? [] }, verbose: !!o.verbose, settings, stderr: io.stderr, deps: io.live ?? {} });
        io.stderr.write(`collected ${metrics.clusters} cluster(s), ${metrics.rows} rows in ${(metrics.durationMs / 1000).toFixed(1)} s: ${metrics.graphRequests} Resource Graph requests, ${metrics.armCalls} ARM calls, ${metrics.graphRetries + metrics.armRetries} retries\n`);
        merged = mergeSnapshots([parseSnapshotDocument(snapshot, "live collection")], { onlyTypes: INDEXED_TYPES });
      }
      for (const e of merged.errors) io.stderr.write(`warning: not collected: ${e.kind}${e.subscriptionId ? ` in subscription ${e.subscriptionId}` : ""}${e.resourceId ? ` for ${e.resourceId}` : ""}: ${e.message}\n`);
      for (const w of merged.warnings) io.stderr.write(`warning: ${w}\n`);
      const fleet = new Fleet(merged, started);
      let report: AuditReport;
      if (target.kind === "none") report = evaluateFleet(fleet, { generatedAt: started });
      else {
        const open = await openStore(target);
        try {
          const store = new ResultsStore(open.factory, settings.tablePrefix);
          await store.ensureTables();
          const suppressions = suppressionLookup(await store.listSuppressions(), started);
          const related = new Map<string, string[]>();
          report = evaluateFleet(fleet, { generatedAt: started, suppressions: (id, check) => suppressions(id, check), related });
          const stats = await store.persist({
            report,
            runId: `cli-${started.toISOString().replace(/[:.]/g, "")}-${randomUUID().slice(0, 8)}`,
            trigger: "cli",
            observedAt: fleet.referenceTime,
            completeSubscriptions: merged.scope.subscriptions,
            relatedScopes: related,
            startedAt: started,
            scope: merged.scope.subscriptions.length ? `subscriptions ${merged.scope.subscriptions.join(", ")}` : `snapshot ${(o.snapshot ?? []).join(", ")}`,
          });
          io.stderr.write(
            `stored in ${open.describe}: ${stats.created} new, ${stats.updated} changed, ${stats.unchanged} unchanged` +
              `${stats.stale ? `, ${stats.stale} skipped (a newer verdict is stored)` : ""}${stats.tombstoned ? `, ${stats.tombstoned} marked deleted` : ""} (${stats.transactions} transactions)\n`,
          );
        } finally {
          await open.close();
        }
      }
      const format = formatFor(o.format, o.out, !!io.stdout.isTTY);
      const color = o.color && !o.out && !!io.stdout.isTTY && format === "table" && io.env["NO_COLOR"] === undefined;
      await output(io, renderReport(report, format, { color }), o.out);
      if (o.out) {
        const s = report.summary;
        io.stderr.write(`${s.clusters} cluster(s): ${s.compliant} compliant, ${s.nonCompliant} non-compliant, ${s.unknown} unknown — ${format} report written to ${o.out}\n`);
      }
      if (!o.exitZero && (report.summary.nonCompliant > 0 || (live && merged.errors.length > 0))) code = EXIT.nonCompliant;
    });

  program
    .command("collect")
    .description("Collect a snapshot of subscriptions or management groups from Azure (DefaultAzureCredential) for offline audits.")
    .option("--subscription <id...>", "subscriptions to collect")
    .option("--management-group <id...>", "management groups to collect (every subscription under them)")
    .requiredOption("--out <file>", "where to write the snapshot (contracts.md §1)")
    .option("--verbose", "log every Azure request (method, path, status, duration)")
    .addHelpText("after", "\nThe identity needs only Reader on the scopes (see README: Live audits).\nExit codes: 0 collected everything, 1 collected with gaps (listed in the snapshot's errors), 2 usage error.")
    .action(async (o: { subscription?: string[]; managementGroup?: string[]; out: string; verbose?: boolean }) => {
      if ([o.subscription, o.managementGroup].filter((x) => x?.length).length !== 1) throw new UsageError("give exactly one of --subscription ID… or --management-group ID…");
      const settings = loadSettings(io.env);
      const { snapshot, metrics } = await collectLive({ scope: { subscriptions: o.subscription ?? [], managementGroups: o.managementGroup ?? [] }, verbose: !!o.verbose, settings, stderr: io.stderr, deps: io.live ?? {} });
      await writeFile(o.out, JSON.stringify(snapshot));
      for (const e of snapshot.errors) io.stderr.write(`warning: not collected: ${e.kind}${e.subscriptionId ? ` in subscription ${e.subscriptionId}` : ""}${e.resourceId ? ` for ${e.resourceId}` : ""}: ${e.message}\n`);
      io.stderr.write(`wrote ${o.out}: ${snapshot.resources.length} resources, ${metrics.clusters} cluster(s), ${snapshot.errors.length} gap(s); ${metrics.graphRequests} Resource Graph requests, ${metrics.armCalls} ARM calls, ${metrics.graphRetries + metrics.armRetries} retries, ${(metrics.durationMs / 1000).toFixed(1)} s\n`);
      if (snapshot.errors.length) code = EXIT.nonCompliant;
    });

  program
    .command("results")
    .description("Show the latest stored verdicts.")
    .addOption(new Option("--status <status>", "only clusters with this status").choices(["compliant", "non_compliant", "unknown"]))
    .option("--subscription <id>", "only clusters in this subscription")
    .option("--check <id>", "only clusters failing (fail or warn) this check, e.g. AKSBK-022")
    .option("--include-deleted", "include clusters marked deleted")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS))
    .option("--out <file>", "write to a file instead of stdout")
    .option("--store <target>", STORE_HELP)
    .option("--no-color", "no ANSI colours in table output")
    .action(async (o: { status?: ClusterStatus; subscription?: string; check?: string; includeDeleted?: boolean; format?: Format; out?: string; store?: string; color: boolean }) => {
      if (o.check && !CHECKS.some((c) => c.id === o.check?.toUpperCase())) throw new UsageError(`--check ${o.check}: no such check (see: aks-backup-audit checks)`);
      const verdicts = await withStore(o.store, io, async (store) => {
        const list: StoredVerdict[] = [];
        for await (const v of store.listVerdicts({ status: o.status, subscriptionId: o.subscription, checkId: o.check?.toUpperCase(), includeDeleted: !!o.includeDeleted })) list.push(v);
        return list;
      });
      const report = reportFromVerdicts(verdicts);
      const format = formatFor(o.format, o.out, !!io.stdout.isTTY);
      await output(io, renderReport(report, format, { color: o.color && !o.out && !!io.stdout.isTTY && format === "table" }), o.out);
      if (report.summary.nonCompliant > 0) code = EXIT.nonCompliant;
    });

  program
    .command("history")
    .description("Show a cluster's status changes, newest first.")
    .argument("<cluster-id>", "the cluster's resource id")
    .option("--limit <n>", "at most this many changes", "200")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]))
    .option("--store <target>", STORE_HELP)
    .action(async (clusterId: string, o: { limit: string; format?: string; store?: string }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${o.limit}: a positive whole number`);
      const { verdict, history } = await withStore(o.store, io, async (store) => ({ verdict: await store.getVerdict(clusterId), history: await store.history(clusterId, limit) }));
      if (!verdict && history.length === 0) throw new UsageError(`no stored results for ${clusterId}`);
      const format = o.format ?? (io.stdout.isTTY ? "table" : "json");
      if (format === "json") {
        io.stdout.write(JSON.stringify({ cluster: verdict ? { id: verdict.id, status: verdict.status, observedAt: verdict.observedAt, firstSeenAt: verdict.firstSeenAt, deletedAt: verdict.deletedAt } : undefined, transitions: history }, null, 2) + "\n");
        return;
      }
      const lines = [`${verdict?.name ?? clusterId}: ${verdict?.deletedAt ? `deleted (since ${verdict.deletedAt})` : (verdict?.status ?? "?")}, first seen ${verdict?.firstSeenAt ?? "?"}`];
      for (const t of history) lines.push(`${t.at}  ${t.checkId.padEnd(9)}  ${(t.from ?? "—").padEnd(14)} → ${t.to}${t.evidence && t.to !== "pass" ? `\n${" ".repeat(26)}${t.evidence}` : ""}`);
      io.stdout.write(lines.join("\n") + "\n");
    });

  const suppress = program.command("suppress").description("Manage suppressions: accepted exceptions that stop a finding from counting, until they expire.");
  suppress
    .command("add")
    .description("Suppress a check for a cluster, resource group or subscription.")
    .requiredOption("--check <id>", "check id, e.g. AKSBK-040, or * for every check")
    .requiredOption("--scope <id>", "cluster, resource group or subscription id")
    .requiredOption("--reason <text>", "why this is accepted (shown in every report)")
    .option("--expires <when>", "a date, time or duration (30d, 12h, 2w); without it the suppression never expires")
    .option("--author <name>", "who accepted it", io.env["USER"] ?? "unknown")
    .option("--store <target>", STORE_HELP)
    .action(async (o: { check: string; scope: string; reason: string; expires?: string; author: string; store?: string }) => {
      const check = o.check === "*" ? "*" : o.check.toUpperCase();
      if (check !== "*" && !CHECKS.some((c) => c.id === check)) throw new UsageError(`--check ${o.check}: no such check (see: aks-backup-audit checks)`);
      if (!/^\/subscriptions\/[^/]+(\/resourcegroups\/[^/]+(\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+)?)?\/?$/i.test(o.scope)) {
        throw new UsageError(`--scope ${o.scope}: use a subscription (/subscriptions/<id>), resource group (/subscriptions/<id>/resourceGroups/<name>) or cluster id`);
      }
      if (!o.reason.trim()) throw new UsageError("--reason must say why");
      const expiresAt = o.expires ? parseExpiry(o.expires) : undefined;
      const s = await withStore(o.store, io, (store) => store.addSuppression({ checkId: check, scope: o.scope.replace(/\/+$/, ""), reason: o.reason.trim(), author: o.author, expiresAt }));
      io.stdout.write(`suppressed ${s.checkId} on ${s.scope}${s.expiresAt ? ` until ${s.expiresAt}` : " (no expiry)"}; id ${s.id}\n`);
    });
  suppress
    .command("list")
    .description("List suppressions, active and expired.")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]))
    .option("--store <target>", STORE_HELP)
    .action(async (o: { format?: string; store?: string }) => {
      const now = new Date();
      const list = await withStore(o.store, io, (store) => store.listSuppressions());
      const rows = list.map((s) => ({ ...s, state: isExpired(s, now) ? "expired" : "active" }));
      if ((o.format ?? (io.stdout.isTTY ? "table" : "json")) === "json") {
        io.stdout.write(JSON.stringify(rows, null, 2) + "\n");
        return;
      }
      if (!rows.length) io.stdout.write("no suppressions\n");
      for (const s of rows) io.stdout.write(`${s.state.padEnd(7)}  ${s.checkId.padEnd(9)}  ${s.scope}\n         expires ${s.expiresAt ?? "never"} · ${s.author} · ${s.reason}\n         id ${s.id}\n`);
    });
  suppress
    .command("remove")
    .description("Remove a suppression by id (see suppress list), or by --check and --scope.")
    .argument("[id]", "the suppression's id")
    .option("--check <id>", "check id")
    .option("--scope <id>", "scope id")
    .option("--store <target>", STORE_HELP)
    .action(async (id: string | undefined, o: { check?: string; scope?: string; store?: string }) => {
      const removed = await withStore(o.store, io, async (store) => {
        if (id) return store.removeSuppression(id);
        if (!o.check || !o.scope) throw new UsageError("give the suppression's id, or both --check and --scope");
        const target = (await store.listSuppressions()).find((s) => s.checkId === (o.check === "*" ? "*" : o.check?.toUpperCase()) && s.scope.toLowerCase().replace(/\/+$/, "") === o.scope?.toLowerCase().replace(/\/+$/, ""));
        return target ? store.removeSuppression(target.id) : false;
      });
      if (!removed) throw new UsageError("no such suppression");
      io.stdout.write("removed\n");
    });

  program
    .command("checks")
    .description("List the check catalogue (id, severity, title).")
    .addOption(new Option("--format <format>", "table or json").choices(["table", "json"]).default("table"))
    .action((o: { format: string }) => {
      const list = catalogue();
      if (o.format === "json") io.stdout.write(JSON.stringify(list, null, 2) + "\n");
      else io.stdout.write(list.map((c) => `${c.id}  ${c.severity.padEnd(6)}  ${c.title}`).join("\n") + "\n");
    });

  registerDigestCommand(program, io, {
    withStore,
    setExitCode: (c) => {
      code = c;
    },
  });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version" ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof SnapshotError || e instanceof UsageError || e instanceof StoreConfigError || e instanceof SettingsError) {
      io.stderr.write(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
    return EXIT.usage;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `… | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then(
    (c) => {
      process.exitCode = c;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${String(e)}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}

export type { Status };
