#!/usr/bin/env node
// Offline-audit benchmark: how long and how much memory `runAudit` needs for a large fleet,
// measured against the floor of merely reading and JSON.parse-ing the same snapshot files.
//
//   npm run bench                      (= npm run build && node --expose-gc bench/run.mjs)
//   node --expose-gc bench/run.mjs [--clusters 10000] [--runs 3] [--regen] [--out DIR]
//
// The fleet is generated once into bench/out (again when absent, when its parameters differ,
// or with --regen). Every measurement runs in its own child process so that each peak RSS
// (process.resourceUsage().maxRSS) belongs to that measurement alone; each is repeated --runs
// times and the median is reported. Targets: audit ≤ 2.0 × parse floor, audit peak RSS ≤ 3.0 ×
// input bytes. The figures are printed with PASS/FAIL, but the exit code is 0 regardless:
// a benchmark reports, it does not gate.
//
// BENCH_AUDIT_MODULE=/path/to/module.js overrides the module that provides runAudit
// (default: ../dist/index.js, the built package).

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GENERATOR_VERSION, generateFleet } from "./generate-fleet.mjs";

const SELF = fileURLToPath(import.meta.url);
const BENCH_DIR = dirname(SELF);
const RESULT_MARK = "BENCH_RESULT ";
const TARGET_TIME_RATIO = 2.0;
const TARGET_RSS_RATIO = 3.0;
const CHILD_TIMEOUT_MS = 10 * 60_000;

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Workers (run in child processes)

function finish(result) {
  const ru = process.resourceUsage();
  result.maxRssBytes = ru.maxRSS * 1024; // maxRSS is in KiB
  result.cpuUserMs = Math.round(ru.userCPUTime / 1000);
  result.cpuSystemMs = Math.round(ru.systemCPUTime / 1000);
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

async function parseWorker(files) {
  const startRss = process.memoryUsage().rss;
  const kept = [];
  const t0 = performance.now();
  for (const f of files) kept.push(JSON.parse(readFileSync(f, "utf8")));
  const ms = performance.now() - t0;
  let resources = 0;
  for (const doc of kept) resources += Array.isArray(doc) ? doc.length : (doc.resources ?? doc.data ?? []).length;
  globalThis.__benchKeep = kept; // referenced until the process ends
  finish({ ms, resources, startRssBytes: startRss });
}

function auditModuleUrl() {
  const override = process.env.BENCH_AUDIT_MODULE;
  if (override) return pathToFileURL(isAbsolute(override) ? override : resolve(process.cwd(), override)).href;
  return new URL("../dist/index.js", import.meta.url).href;
}

async function auditWorker(files) {
  const startRss = process.memoryUsage().rss;
  const url = auditModuleUrl();
  const ti = performance.now();
  const mod = await import(url);
  const importMs = performance.now() - ti;
  const { runAudit } = mod;
  if (typeof runAudit !== "function") throw new Error(`${url} does not export a function runAudit`);
  const t0 = performance.now();
  const report = await runAudit({ snapshotPaths: [...files] });
  const ms = performance.now() - t0;
  const s = report?.summary ?? {};
  finish({
    ms,
    importMs,
    startRssBytes: startRss,
    module: url,
    summary: { clusters: s.clusters, compliant: s.compliant, nonCompliant: s.nonCompliant, unknown: s.unknown },
    reportClusters: Array.isArray(report?.clusters) ? report.clusters.length : null,
  });
}

// ---------------------------------------------------------------------------------------------
// Driver

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { clusters: 10000, runs: 3, regen: false, outDir: join(BENCH_DIR, "out") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--clusters") opts.clusters = Number(val());
    else if (a === "--runs") opts.runs = Number(val());
    else if (a === "--regen") opts.regen = true;
    else if (a === "--out") opts.outDir = resolve(val());
    else if (a === "--help" || a === "-h") {
      console.log("usage: node --expose-gc bench/run.mjs [--clusters 10000] [--runs 3] [--regen] [--out bench/out]\n" +
        "env: BENCH_AUDIT_MODULE=path  module exporting runAudit (default dist/index.js)");
      process.exit(0);
    } else throw new UsageError(`unknown option ${a}`);
  }
  if (!Number.isInteger(opts.clusters) || opts.clusters < 1) throw new UsageError("--clusters must be a positive integer");
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new UsageError("--runs must be a positive integer");
  return opts;
}

/** The manifest of an existing fleet in outDir when it matches the requested size and is intact. */
function existingFleet(outDir, clusters) {
  const manifestPath = join(outDir, "manifest.json");
  if (!existsSync(manifestPath)) return null;
  try {
    const m = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (m.generatorVersion !== GENERATOR_VERSION || m.params?.clusters !== clusters) return null;
    for (const f of m.files) {
      const p = join(outDir, f.path);
      if (!existsSync(p) || statSync(p).size !== f.bytes) return null;
    }
    return { ...m, files: m.files.map((f) => ({ ...f, path: join(outDir, f.path) })) };
  } catch {
    return null;
  }
}

function runChild(kind, files) {
  const child = spawnSync(process.execPath, ["--expose-gc", SELF, "--worker", kind, ...files], {
    encoding: "utf8",
    maxBuffer: 64 * MiB,
    timeout: CHILD_TIMEOUT_MS,
    stdio: ["ignore", "pipe", "pipe"],
    env: process.env,
  });
  const line = (child.stdout ?? "").split("\n").find((l) => l.startsWith(RESULT_MARK));
  if (child.status !== 0 || !line) {
    const why = child.error ? child.error.message : child.signal ? `killed by ${child.signal}` : `exit code ${child.status}`;
    // the error message and the top of its stack
    const stderr = (child.stderr ?? "").trim().split("\n").slice(0, 4).join("\n    ");
    return { error: `${kind} worker failed (${why})${stderr ? `:\n    ${stderr}` : ""}` };
  }
  return JSON.parse(line.slice(RESULT_MARK.length));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtMs = (ms) => `${Math.round(ms).toLocaleString("en-US")} ms`;
const fmtMB = (b) => `${(b / MiB).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
const fmtInt = (n) => n.toLocaleString("en-US");

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const tStart = performance.now();
  console.log(`aks-backup-auditor offline-audit benchmark — node ${process.version}, ${availableParallelism()} CPUs`);

  let fleet = opts.regen ? null : existingFleet(opts.outDir, opts.clusters);
  if (fleet) {
    console.log(`using the fleet in ${opts.outDir} (--regen to rebuild it)`);
  } else {
    const r = generateFleet({ clusters: opts.clusters, outDir: opts.outDir });
    fleet = existingFleet(opts.outDir, opts.clusters);
    if (!fleet) throw new Error(`generated fleet in ${opts.outDir} is not readable back (${r.files.length} files)`);
  }
  const files = fleet.files.map((f) => f.path);
  const inputBytes = fleet.files.reduce((a, f) => a + f.bytes, 0);

  console.log(`audit module: ${process.env.BENCH_AUDIT_MODULE ? `${process.env.BENCH_AUDIT_MODULE} (BENCH_AUDIT_MODULE)` : "dist/index.js"}`);
  console.log(`measuring ${opts.runs} run(s) each, one child process per measurement …`);
  const parses = [];
  const audits = [];
  const auditErrors = [];
  for (let i = 0; i < opts.runs; i++) {
    const p = runChild("parse", files);
    if (p.error) throw new Error(p.error);
    parses.push(p);
    console.log(`  run ${i + 1}: parse ${fmtMs(p.ms).padStart(9)}  peak RSS ${fmtMB(p.maxRssBytes).padStart(10)}`);
    const a = runChild("audit", files);
    if (a.error) {
      auditErrors.push(a.error);
      console.log(`  run ${i + 1}: audit FAILED — ${a.error}`);
      if (i === 0) break; // the module is missing or broken: no point repeating it
      continue;
    }
    audits.push(a);
    const s = a.summary;
    console.log(`  run ${i + 1}: audit ${fmtMs(a.ms).padStart(9)}  peak RSS ${fmtMB(a.maxRssBytes).padStart(10)}  (import ${fmtMs(a.importMs)}; ${s.clusters} clusters: ${s.compliant} compliant, ${s.nonCompliant} non-compliant, ${s.unknown} unknown)`);
  }

  const parseMs = median(parses.map((p) => p.ms));
  const parseRss = median(parses.map((p) => p.maxRssBytes));
  const baseRss = median(parses.map((p) => p.startRssBytes));
  const haveAudit = audits.length > 0;
  const auditMs = haveAudit ? median(audits.map((a) => a.ms)) : NaN;
  const auditRss = haveAudit ? median(audits.map((a) => a.maxRssBytes)) : NaN;
  const timeRatio = auditMs / parseMs;
  const rssRatio = auditRss / inputBytes;
  const verdict = (ok) => (ok ? "PASS" : "FAIL");
  const last = audits.at(-1);
  const intended = fleet.expected ?? {};

  const rows = [
    ["input", `${fmtMB(inputBytes)} (${fmtInt(inputBytes)} bytes) in ${files.length} files`, "", ""],
    ["resources", fmtInt(fleet.totalResources), "", ""],
    ["clusters", fmtInt(fleet.clusters), "", ""],
    ["parse floor (read + JSON.parse)", fmtMs(parseMs), "", ""],
    ["audit (runAudit)", haveAudit ? fmtMs(auditMs) : "n/a", "", ""],
    ["ratio audit / parse", haveAudit ? timeRatio.toFixed(2) : "n/a", `≤ ${TARGET_TIME_RATIO.toFixed(1)}`, verdict(haveAudit && timeRatio <= TARGET_TIME_RATIO)],
    ["peak RSS parse", fmtMB(parseRss), "", ""],
    ["peak RSS audit", haveAudit ? fmtMB(auditRss) : "n/a", "", ""],
    ["ratio audit RSS / input bytes", haveAudit ? rssRatio.toFixed(2) : "n/a", `≤ ${TARGET_RSS_RATIO.toFixed(1)}`, verdict(haveAudit && rssRatio <= TARGET_RSS_RATIO)],
  ];

  const w = [0, 0, 0, 0];
  for (const r of rows) r.forEach((c, i) => (w[i] = Math.max(w[i], c.length)));
  const header = ["measure", `median of ${opts.runs}`, "target", "result"];
  header.forEach((c, i) => (w[i] = Math.max(w[i], c.length)));
  const line = (r) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
  console.log("");
  console.log(line(header));
  console.log(w.map((n) => "─".repeat(n)).join("  "));
  for (const r of rows) console.log(line(r));
  console.log("");
  if (haveAudit) {
    const s = last.summary;
    console.log(`report summary:   ${s.clusters} clusters — ${s.compliant} compliant, ${s.nonCompliant} non-compliant, ${s.unknown} unknown`);
  }
  console.log(`generator intent: ${fleet.clusters} clusters — ${intended.compliant} compliant, ${intended.non_compliant} non-compliant, ${intended.unknown} unknown (what a correct audit should roughly report)`);
  console.log(`(peak RSS includes the bare process, about ${fmtMB(baseRss)}; ${haveAudit ? `runAudit's module import took ${fmtMs(median(audits.map((a) => a.importMs)))}, not counted in audit time` : "no audit figures"})`);
  if (haveAudit && last.reportClusters !== null && last.reportClusters !== last.summary.clusters) {
    console.log(`note: report.clusters has ${last.reportClusters} entries but summary.clusters says ${last.summary.clusters}`);
  }
  if (haveAudit && last.summary.clusters !== fleet.clusters) console.log(`note: the fleet has ${fleet.clusters} clusters; the report counts ${last.summary.clusters}`);
  for (const e of auditErrors.slice(0, 1)) console.log(`audit error: ${e}`);
  console.log(`benchmark took ${((performance.now() - tStart) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
if (argv[0] === "--worker") {
  const [, kind, ...files] = argv;
  const worker = kind === "parse" ? parseWorker : kind === "audit" ? auditWorker : null;
  if (!worker) {
    console.error(`unknown worker ${kind}`);
    process.exit(2);
  }
  worker(files).catch((err) => {
    console.error(err?.stack ?? String(err));
    process.exit(1);
  });
} else {
  // Missed targets and a failing audit module are reported, never turned into an exit code;
  // only a usage error (2) or a benchmark that could not run at all (1) exits non-zero.
  main().catch((err) => {
    console.error(`bench: ${err?.message ?? err}`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  });
}
