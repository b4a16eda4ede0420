/**
 * The bundled sample fleet, audited into a store with four weeks of made-up history before it, so a
 * digest of it has something to say: audits every other day from 26 Oct 2026, in which some clusters
 * were broken and got fixed, some broke this week, one was added and one decommissioned — then the real
 * audit of examples/sample-fleet.json (collected 23 Nov 2026 06:00 UTC). Three suppressions: one
 * expiring in four days, one in eight, one that expired this week.
 */
import { fileURLToPath } from "node:url";
import { clusterStatus } from "../../src/checks/evaluate.js";
import { auditSnapshots } from "../../src/index.js";
import type { CheckResult, ClusterReport } from "../../src/model/types.js";
import { suppressionLookup, type ResultsStore } from "../../src/store/results-store.js";
import { report } from "../store/store-fixture.js";

export const SAMPLE_PATH = fileURLToPath(new URL("../../examples/sample-fleet.json", import.meta.url));
/** When the digest is composed: Monday of ISO week 2026-W48, 07:00 UTC (the default schedule). */
export const SAMPLE_NOW = new Date("2026-11-23T07:00:00Z");
const COLLECTED = new Date("2026-11-23T06:00:00Z");
const PROD = "3f6b2d84-9a1c-4e57-b0d2-6c8e1a5f7b49";

function withCheck(c: ClusterReport, id: string, status: CheckResult["status"], evidence?: string, remediation?: string): ClusterReport {
  const checks = c.checks.map((k) =>
    k.id !== id ? k : { ...k, status, evidence: evidence ?? (status === "pass" ? `${k.id} passed` : k.evidence), remediation: status === "pass" ? undefined : (remediation ?? k.remediation) },
  );
  return { ...c, checks, status: clusterStatus(checks) };
}

function passAll(c: ClusterReport, ids: string[]): ClusterReport {
  return ids.reduce((acc, id) => withCheck(acc, id, "pass"), c);
}

/** The cluster as an audit on `day` (yyyy-mm-dd) saw it; undefined when it did not exist. */
function asOf(c: ClusterReport, day: string): ClusterReport | undefined {
  switch (c.name) {
    case "aks-orders-prod":
      return day < "2026-11-23" ? passAll(c, ["AKSBK-021", "AKSBK-042"]) : c;
    case "aks-notifications-prod":
      return day < "2026-11-23" ? passAll(c, ["AKSBK-011"]) : c;
    case "aks-payments-prod":
      return day < "2026-11-20"
        ? withCheck(
            c,
            "AKSBK-022",
            "fail",
            "backup vault bv-aks-prod-weu (principal 5d1c0b8e-…) has no Reader role on the cluster",
            `az role assignment create --assignee-object-id 5d1c0b8e-3f0a-4e6b-9a51-2c7d8e9f0a1b --assignee-principal-type ServicePrincipal --role Reader --scope ${c.id}`,
          )
        : c;
    case "aks-catalog-prod":
      return day < "2026-11-22"
        ? withCheck(
            c,
            "AKSBK-011",
            "fail",
            "no backup extension (microsoft.dataprotection.kubernetes) is installed on the cluster",
            `az k8s-extension create --name azure-aks-backup --extension-type microsoft.dataprotection.kubernetes --scope cluster --cluster-type managedClusters --cluster-name ${c.name} --resource-group ${c.resourceGroup} --release-train stable`,
          )
        : c;
    case "aks-checkout-prod":
      return day < "2026-11-04" ? withCheck(c, "AKSBK-021", "fail", "no trusted-access binding grants the backup vault the backup-operator role") : c;
    case "aks-ml-dev":
      return day < "2026-11-06" ? passAll(c, ["AKSBK-003", "AKSBK-031"]) : c;
    case "aks-risk-prod":
      return day < "2026-11-20" ? passAll(c, ["AKSBK-012", "AKSBK-013", "AKSBK-014", "AKSBK-015"]) : c;
    case "aks-qa-weu":
      return day < "2026-10-30" ? passAll(c, ["AKSBK-013"]) : c;
    case "aks-sandbox-gpu":
      return day < "2026-11-12" ? undefined : c;
    default:
      return c;
  }
}

/** A cluster decommissioned after 17 Nov: present in the history, gone from the real snapshot. */
function pocCluster(template: ClusterReport): ClusterReport {
  const id = `/subscriptions/${PROD}/resourceGroups/rg-aks-poc-weu/providers/Microsoft.ContainerService/managedClusters/aks-poc-weu`;
  return withCheck({ ...template, id, name: "aks-poc-weu", resourceGroup: "rg-aks-poc-weu", tags: { env: "poc", owner: "platform-team@contoso.com" } }, "AKSBK-011", "fail", "no backup extension is installed on the cluster");
}

export async function auditSampleWithHistory(store: ResultsStore): Promise<void> {
  const first = await auditSnapshots({ snapshotPaths: [SAMPLE_PATH], generatedAt: COLLECTED });
  const byName = new Map(first.report.clusters.map((c) => [c.name, c]));
  const idOf = (name: string): string => byName.get(name)?.id ?? name;
  await store.addSuppression({ checkId: "AKSBK-040", scope: idOf("aks-internal-api-staging"), reason: "Egress goes through the central proxy until the firewall migration (CHG-20417)", author: "j.berg", expiresAt: "2026-11-27T00:00:00.000Z" }, new Date("2026-10-20T09:00:00Z"));
  await store.addSuppression({ checkId: "AKSBK-042", scope: `/subscriptions/${PROD}/resourceGroups/rg-aks-prod-weu`, reason: "NSG baseline for the prod spoke is being rolled out by the network team", author: "m.okafor", expiresAt: "2026-12-01T00:00:00.000Z" }, new Date("2026-11-02T09:00:00Z"));
  await store.addSuppression({ checkId: "AKSBK-005", scope: idOf("aks-batch-dev"), reason: "Stopped outside office hours to save cost", author: "a.lindqvist", expiresAt: "2026-11-20T00:00:00.000Z" }, new Date("2026-10-01T09:00:00Z"));

  const template = byName.get("aks-orders-prod") as ClusterReport;
  for (let t = Date.parse("2026-10-26T06:00:00Z"); t < COLLECTED.getTime(); t += 2 * 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    const clusters = first.report.clusters.map((c) => asOf(c, day)).filter((c): c is ClusterReport => !!c);
    if (day <= "2026-11-17") clusters.push(pocCluster(template));
    await store.persist({ report: report(clusters), runId: `audit-${day}`, trigger: "timer", observedAt: new Date(t), completeSubscriptions: [], startedAt: new Date(t), scope: "subscriptions of the sample fleet" });
  }

  // The real audit, with the stored suppressions applied as the CLI does.
  const lookup = suppressionLookup(await store.listSuppressions(), COLLECTED);
  const final = await auditSnapshots({ snapshotPaths: [SAMPLE_PATH], generatedAt: COLLECTED, suppressions: (id, check) => lookup(id, check) });
  await store.persist({
    report: final.report,
    runId: "audit-2026-11-23",
    trigger: "timer",
    observedAt: COLLECTED,
    completeSubscriptions: final.snapshot.scope.subscriptions,
    startedAt: COLLECTED,
    scope: `subscriptions ${final.snapshot.scope.subscriptions.join(", ")}`,
  });
}
