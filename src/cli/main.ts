#!/usr/bin/env node
/**
 * aks-backup-audit — the command line (contracts.md §3). Exit codes: 0 ran and nothing is
 * non-compliant; 1 ran and at least one cluster is non-compliant; 2 usage error or unreadable input.
 */
import { realpathSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { catalogue } from "../checks/evaluate.js";
import { auditSnapshots } from "../index.js";
import { SnapshotError } from "../inventory/snapshot.js";
import { renderReport, type Format } from "../report/index.js";

export const EXIT = { ok: 0, nonCompliant: 1, usage: 2 } as const;

export class UsageError extends Error {
  override name = "UsageError";
}

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean | undefined };
  stderr: { write(s: string): unknown; isTTY?: boolean | undefined };
  env: Record<string, string | undefined>;
}

const FORMATS = ["json", "table", "markdown", "csv", "html"] as const;

function formatFor(opt: string | undefined, out: string | undefined, tty: boolean): Format {
  if (opt) return opt as Format;
  if (out) {
    const ext = out.toLowerCase().split(".").pop();
    const byExt: Record<string, Format> = { json: "json", md: "markdown", markdown: "markdown", csv: "csv", html: "html", htm: "html", txt: "table" };
    if (ext && byExt[ext]) return byExt[ext];
  }
  return tty ? "table" : "json";
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
    .description("Audit the clusters in one or more snapshot files (offline) and print a report.")
    .requiredOption("--snapshot <file...>", "snapshot file(s): our snapshot format, a JSON array of resources, or Resource Graph output; merged, duplicates removed")
    .addOption(new Option("--format <format>", "report format (default: table on a terminal, json otherwise; or from the --out extension)").choices(FORMATS))
    .option("--out <file>", "write the report to a file instead of stdout")
    .option("--store <target>", 'where results are stored: "none" (results are only printed)', "none")
    .option("--exit-zero", "exit 0 even when clusters are non-compliant (exit 2 still reports bad input)")
    .option("--no-color", "no ANSI colours in table output")
    .addHelpText(
      "after",
      "\nExit codes: 0 nothing non-compliant, 1 at least one cluster non-compliant, 2 usage error or unreadable input.\n\nExample:\n  aks-backup-audit audit --snapshot fleet.json --format html --out report.html",
    )
    .action(async (o: { snapshot: string[]; format?: Format; out?: string; store: string; exitZero?: boolean; color: boolean }) => {
      if (o.store.toLowerCase() !== "none") throw new UsageError(`--store ${o.store}: only "none" is supported by this version`);
      const { report, snapshot } = await auditSnapshots({ snapshotPaths: o.snapshot });
      for (const w of snapshot.warnings) io.stderr.write(`warning: ${w}\n`);
      const format = formatFor(o.format, o.out, !!io.stdout.isTTY);
      const color = o.color && !o.out && !!io.stdout.isTTY && format === "table" && io.env["NO_COLOR"] === undefined;
      const text = renderReport(report, format, { color });
      if (o.out) {
        await writeFile(o.out, text);
        const s = report.summary;
        io.stderr.write(`${s.clusters} cluster(s): ${s.compliant} compliant, ${s.nonCompliant} non-compliant, ${s.unknown} unknown — ${format} report written to ${o.out}\n`);
      } else io.stdout.write(text);
      if (report.summary.nonCompliant > 0 && !o.exitZero) code = EXIT.nonCompliant;
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

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version" ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof SnapshotError || e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`error: ${(e as Error).stack ?? String(e)}\n`);
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

const isEntry = isEntryPoint();
if (isEntry) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (c) => {
      process.exitCode = c;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${String(e)}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}
