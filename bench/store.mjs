// Store benchmark: persist 10,000 cluster verdicts into Azurite (in memory, 127.0.0.1, a free port),
// then re-audit with 1% of clusters changed. Prints transactions, entities written and wall time.
// Usage: node bench/store.mjs [--clusters N] [--subscriptions N]
import { performance } from "node:perf_hooks";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CLUSTERS = arg("clusters", 10_000);
const SUBS = arg("subscriptions", 40);

const mod = await import(process.env.BENCH_DIST ?? "../dist/store/azurite.js");
const { factoryFromConnectionString } = await import("../dist/store/connect.js");
const { ResultsStore } = await import("../dist/store/results-store.js");
const { CHECKS } = await import("../dist/checks/registry.js");
const { clusterStatus } = await import("../dist/checks/evaluate.js");

const sub = (i) => `${(i + 1).toString(16).padStart(8, "0")}-0000-4000-8000-${(i + 1).toString(16).padStart(12, "0")}`;
function cluster(i, changed = false) {
  const s = sub(i % SUBS);
  const id = `/subscriptions/${s}/resourceGroups/rg-aks-${i % 97}/providers/Microsoft.ContainerService/managedClusters/aks-${i}`;
  const checks = CHECKS.map((c, k) => {
    const failing = (i + k) % 53 === 0 || (changed && k === 14);
    return {
      id: c.id,
      status: failing ? (c.severity === "low" ? "warn" : "fail") : "pass",
      severity: c.severity,
      title: c.title,
      evidence: `backup vault bv-${i % SUBS} (principal ${s}) ${failing ? "has no role assignment granting" : "has"} the role on ${id} through an assignment at /subscriptions/${s}/resourceGroups/rg-aks-${i % 97}`,
      ...(failing ? { remediation: `az role assignment create --assignee-object-id ${s} --assignee-principal-type ServicePrincipal --role Reader --scope ${id}` } : {}),
      docsUrl: c.docsUrl,
    };
  });
  return { id, name: `aks-${i}`, subscriptionId: s, resourceGroup: `rg-aks-${i % 97}`, location: "westeurope", status: clusterStatus(checks), checks };
}
function report(clusters) {
  const summary = { clusters: clusters.length, compliant: 0, nonCompliant: 0, unknown: 0 };
  for (const c of clusters) summary[c.status === "compliant" ? "compliant" : c.status === "non_compliant" ? "nonCompliant" : "unknown"]++;
  return { schema: "aks-backup-auditor/report@1", generatedAt: new Date().toISOString(), summary, clusters };
}

const emb = await mod.startEmbeddedTables();
try {
  const store = new ResultsStore(factoryFromConnectionString(emb.connectionString), "bench");
  await store.ensureTables();
  const first = Array.from({ length: CLUSTERS }, (_, i) => cluster(i));
  const run = async (label, clusters, at) => {
    const t0 = performance.now();
    const s = await store.persist({ report: report(clusters), runId: label, trigger: "bench", observedAt: new Date(at), completeSubscriptions: [], startedAt: new Date(), scope: "bench" });
    const ms = performance.now() - t0;
    console.log(`${label.padEnd(34)} ${String(Math.round(ms)).padStart(7)} ms  transactions ${String(s.transactions).padStart(5)}  entities written ${String(s.entitiesWritten).padStart(6)}  unchanged ${String(s.unchanged).padStart(6)}  transitions ${s.transitions}`);
    return s;
  };
  console.log(`store benchmark: ${CLUSTERS} clusters in ${SUBS} subscriptions, ${CHECKS.length} checks each, Azurite in memory on ${emb.endpoint.replace(/\/devstoreaccount1$/, "")}`);
  await run("first audit (all new)", first, "2026-11-20T06:00:00Z");
  await run("re-audit, nothing changed", first, "2026-11-21T06:00:00Z");
  const changedCount = Math.round(CLUSTERS / 100);
  const step = Math.floor(CLUSTERS / changedCount);
  const second = first.map((c, i) => (i % step === 0 && i / step < changedCount ? cluster(i, true) : c));
  const reallyChanged = second.filter((c, i) => JSON.stringify(c) !== JSON.stringify(first[i])).length;
  const s = await run(`re-audit, ${reallyChanged} clusters (~1%) changed`, second, "2026-11-22T06:00:00Z");
  console.log(`target: only the changed clusters are written — ${s.entitiesWritten === reallyChanged ? "PASS" : "FAIL"} (${s.entitiesWritten} written, ${reallyChanged} changed)`);
} finally {
  await emb.stop();
}
