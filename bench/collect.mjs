// Live-collection benchmark: the real collector and SDK clients against the loopback HTTPS server of the
// tests (test/support/fake-azure.ts, compiled by `npm run bench`), which enforces Azure's documented quotas:
// Resource Graph 15 requests per 5-second window per principal; ARM reads 250 burst then 25/s per subscription.
// Prints Resource Graph requests, ARM calls per cluster, retries and 429s, and wall time against the
// quota-bound minimum. Usage: node bench/collect.mjs [--clusters 5000] [--subscriptions 50]
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { generateFleet } from "./generate-fleet.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CLUSTERS = arg("clusters", 5000);
const SUBS = arg("subscriptions", 50);
const GRAPH = { requests: 15, windowMs: 5000 };
const ARM = { burst: 250, perSecond: 25 };

const { startFakeAzure, fakeCredential, ARM_SCOPE } = await import(join(here, "out/support/fake-azure.js"));
const { createClients } = await import("../dist/inventory/live/clients.js");
const { collectFleet } = await import("../dist/inventory/live/collector.js");

const outDir = join(here, "out", "collect");
const gen = generateFleet({ clusters: CLUSTERS, subscriptions: SUBS, outDir, files: 1, quiet: true });
const snapshot = JSON.parse(readFileSync(gen.files[0].path, "utf8"));
const rows = [];
const bindings = [];
const providers = [];
for (const r of snapshot.resources) {
  const type = String(r.type ?? "").toLowerCase();
  if (!type) providers.push({ subscriptionId: r.id.split("/")[2], namespace: r.namespace, registrationState: r.registrationState });
  else if (type === "microsoft.containerservice/managedclusters/trustedaccessrolebindings") bindings.push(r);
  else rows.push(r);
}
const subscriptions = [...new Set(snapshot.resources.filter((r) => String(r.type).toLowerCase() === "microsoft.containerservice/managedclusters").map((r) => r.subscriptionId))];

const fake = await startFakeAzure({ resources: rows, bindings, providers, graphQuota: GRAPH, armQuota: ARM, latencyMs: { graph: 40, provider: 15, bindings: 15 } });
try {
  const clients = createClients({ endpoint: fake.url, audience: ARM_SCOPE, credential: fakeCredential("auditor"), ca: fake.ca });
  const t0 = performance.now();
  const { snapshot: got, metrics } = await collectFleet({ clients, scope: { subscriptions } });
  const wall = performance.now() - t0;

  const R = metrics.graphRequests;
  const graphMin = (Math.ceil(R / GRAPH.requests) - 1) * GRAPH.windowMs;
  const perSub = new Map();
  for (const l of fake.stats.log) if (l.kind !== "graph" && l.subscriptionId) perSub.set(l.subscriptionId, (perSub.get(l.subscriptionId) ?? 0) + 1);
  const armMin = Math.max(0, ...[...perSub.values()].map((n) => (Math.max(0, n - ARM.burst) / ARM.perSecond) * 1000));
  const min = Math.max(graphMin, armMin);
  const ratio = wall / Math.max(min, 1);
  const armPerCluster = metrics.armCalls / metrics.clusters;
  const row = (k, v, t = "", ok = "") => console.log(`${k.padEnd(40)} ${String(v).padEnd(26)} ${t.padEnd(8)} ${ok}`);
  console.log(`\ncollect benchmark: ${metrics.clusters} clusters in ${subscriptions.length} subscriptions, ${rows.length + bindings.length + providers.length} resources; quotas: Resource Graph ${GRAPH.requests}/${GRAPH.windowMs / 1000}s per principal, ARM ${ARM.burst} burst + ${ARM.perSecond}/s per subscription\n`);
  row("measure", "value", "target", "result");
  row("Resource Graph requests", R);
  row("ARM calls", metrics.armCalls);
  row("ARM calls per cluster", armPerCluster.toFixed(3), "≤ 1.02", armPerCluster <= 1.02 ? "PASS" : "FAIL");
  row("retries (Resource Graph + ARM)", metrics.graphRetries + metrics.armRetries);
  row("429s answered by the server", fake.stats.throttled, "0", fake.stats.throttled === 0 ? "PASS" : "FAIL");
  row("collection errors", got.errors.length, "0", got.errors.length === 0 ? "PASS" : "FAIL");
  row("rows collected", metrics.rows);
  row("quota-bound minimum", `${(min / 1000).toFixed(1)} s`);
  row("wall time", `${(wall / 1000).toFixed(1)} s`);
  row("wall / minimum", ratio.toFixed(2), "≤ 1.25", ratio <= 1.25 ? "PASS" : "FAIL");
  row("time spent waiting for quota", `${(metrics.throttleWaitMs / 1000).toFixed(1)} s`);
  if (process.env.BENCH_DEBUG) {
    const log = fake.stats.log.filter((l) => l.kind === "graph");
    for (const l of log) console.log(l.seq, Math.round(l.atMs), l.status, l.durationMs);
  }
  
} finally {
  await fake.close();
}
