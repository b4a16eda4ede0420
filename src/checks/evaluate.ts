/** Runs the catalogue over a fleet and builds the report (contracts.md §2). Pure: no I/O. */
import type { Fleet } from "../model/fleet.js";
import type { AuditReport, CatalogueEntry, CheckResult, ClusterReport, ClusterStatus, Suppression } from "../model/types.js";
import { ClusterView, relatedScopes } from "./cluster-view.js";
import { applySeverity, type CheckDefinition, type Outcome } from "./define-check.js";
import { CHECKS } from "./registry.js";

export const REPORT_NOTES = [
  "Not observable from the control plane, so not checked: in-tree volumes (only CSI-driver volumes are backed up), a Velero installed by Helm rather than as a cluster extension, other files in the backup blob container, and whether a restore target cluster also has the backup extension.",
  "Role checks do not evaluate group membership, deny assignments or ABAC conditions; a role granted only through a group shows as missing.",
  "Restore-time roles of the vault tier (Contributor on a staging resource group, Storage Account Contributor and Storage Blob Data Owner on a staging storage account) are not checked yet.",
];

export type SuppressionLookup = (clusterId: string, checkId: string, cluster: ClusterView) => Suppression | undefined;

export interface EvaluateOptions {
  generatedAt?: Date;
  suppressions?: SuppressionLookup;
  checks?: readonly CheckDefinition[];
  /** When given, filled with each cluster's related scopes (see relatedScopes) by cluster id. */
  related?: Map<string, string[]>;
  /** Evaluate only the clusters this returns true for (a targeted re-audit). */
  only?: (clusterId: string) => boolean;
}

export function clusterStatus(checks: readonly CheckResult[]): ClusterStatus {
  let unknown = false;
  for (const c of checks) {
    if (c.suppressed || c.severity === "low") continue;
    if (c.status === "fail") return "non_compliant";
    if (c.status === "unknown") unknown = true;
  }
  return unknown ? "unknown" : "compliant";
}

function runCheck(def: CheckDefinition, view: ClusterView): Outcome {
  try {
    return def.evaluate(view);
  } catch (e) {
    // A bug in one check must not take the audit down; it is reported, never passed.
    return { status: "unknown", evidence: `internal error in ${def.id}: ${(e as Error).message}` };
  }
}

export function evaluateCluster(view: ClusterView, opts: EvaluateOptions = {}): ClusterReport {
  const checks: CheckResult[] = (opts.checks ?? CHECKS).map((def) => {
    const o = runCheck(def, view);
    const status = applySeverity(o.status, def.severity);
    const r: CheckResult = { id: def.id, status, severity: def.severity, title: def.title, evidence: o.evidence };
    if ((status === "fail" || status === "warn") && o.remediation) r.remediation = o.remediation;
    r.docsUrl = def.docsUrl;
    const s = opts.suppressions?.(view.res.id.raw, def.id, view);
    if (s) r.suppressed = s;
    return r;
  });
  const tags = view.res.raw["tags"];
  const report: ClusterReport = {
    id: view.res.id.raw,
    name: view.name,
    subscriptionId: view.subscriptionId,
    resourceGroup: view.resourceGroup,
    location: view.location,
    status: clusterStatus(checks),
    checks,
  };
  if (tags && typeof tags === "object" && !Array.isArray(tags)) {
    report.tags = Object.fromEntries(Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === "string"));
  }
  return report;
}

export function catalogue(checks: readonly CheckDefinition[] = CHECKS): CatalogueEntry[] {
  return checks.map((c) => ({ id: c.id, severity: c.severity, title: c.title, docsUrl: c.docsUrl }));
}

export function evaluateFleet(fleet: Fleet, opts: EvaluateOptions = {}): AuditReport {
  const clusters: ClusterReport[] = [];
  for (const r of fleet.clusters) {
    if (opts.only && !opts.only(r.id.raw)) continue;
    const view = new ClusterView(r, fleet);
    clusters.push(evaluateCluster(view, opts));
    opts.related?.set(r.id.raw, relatedScopes(view));
  }
  const summary = { clusters: clusters.length, compliant: 0, nonCompliant: 0, unknown: 0 };
  for (const c of clusters) {
    if (c.status === "compliant") summary.compliant++;
    else if (c.status === "non_compliant") summary.nonCompliant++;
    else summary.unknown++;
  }
  const notes = [...REPORT_NOTES];
  if (clusters.length === 0) notes.unshift("The input holds no AKS cluster (Microsoft.ContainerService/managedClusters): nothing to audit.");
  return {
    schema: "aks-backup-auditor/report@1",
    generatedAt: (opts.generatedAt ?? new Date()).toISOString(),
    summary,
    clusters,
    notes,
    collection: {
      collected: [...fleet.collected].sort(),
      errors: [...fleet.errors],
      referenceTime: fleet.referenceTime.toISOString(),
    },
    checks: catalogue(opts.checks),
  };
}
