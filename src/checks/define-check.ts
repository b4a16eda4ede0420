/**
 * The shape of a check. One module per check under src/checks/, named `aksbk-NNN-<slug>.ts`, exporting
 * a single `defineCheck(...)`. Checks are pure and synchronous: everything they know comes from the
 * {@link ClusterView}, which resolves a cluster's related resources once and shares them between checks.
 */
import type { Severity, Status } from "../model/types.js";
import type { ClusterView } from "./cluster-view.js";

/** What a check concludes before severity is applied (`fail` becomes `warn` for low-severity checks). */
export type Verdict = "pass" | "fail" | "unknown" | "not_applicable";

export interface Outcome {
  status: Verdict;
  /** What was seen, with names and ids, so a person can verify the verdict without the input. */
  evidence: string;
  /** For `fail`: the exact command(s) to fix it, with the real names filled in. */
  remediation?: string | undefined;
}

export interface CheckDefinition {
  id: string;
  slug: string;
  severity: Severity;
  title: string;
  /** Why this matters, citing the prerequisite it comes from. */
  rationale: string;
  docsUrl: string;
  evaluate(cluster: ClusterView): Outcome;
}

export function defineCheck(def: CheckDefinition): CheckDefinition {
  if (!/^AKSBK-\d{3}$/.test(def.id)) throw new Error(`bad check id ${def.id}`);
  return Object.freeze(def);
}

export function pass(evidence: string): Outcome {
  return { status: "pass", evidence };
}
export function fail(evidence: string, remediation: string): Outcome {
  return { status: "fail", evidence, remediation };
}
export function unknown(evidence: string): Outcome {
  return { status: "unknown", evidence };
}
export function notApplicable(evidence: string): Outcome {
  return { status: "not_applicable", evidence };
}

/** Severity turns a `fail` of a low-severity check into a `warn` (checks.md, Statuses). */
export function applySeverity(verdict: Verdict, severity: Severity): Status {
  return verdict === "fail" && severity === "low" ? "warn" : verdict;
}

export const DOCS = {
  prerequisites: "https://learn.microsoft.com/azure/backup/azure-kubernetes-service-cluster-backup-concept",
  extension: "https://learn.microsoft.com/azure/backup/azure-kubernetes-service-cluster-manage-backups#backup-extension-related-operations",
  trustedAccess: "https://learn.microsoft.com/azure/aks/trusted-access-feature",
  roles: "https://learn.microsoft.com/azure/backup/azure-kubernetes-service-cluster-backup-concept#required-roles-and-permissions",
  csi: "https://learn.microsoft.com/azure/aks/csi-storage-drivers",
  managedIdentity: "https://learn.microsoft.com/azure/aks/use-managed-identity",
  provider: "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-providers-and-types",
  storageFirewall: "https://learn.microsoft.com/azure/storage/common/storage-network-security",
  configureBackup: "https://learn.microsoft.com/azure/backup/azure-kubernetes-service-cluster-backup",
  manageBackups: "https://learn.microsoft.com/azure/backup/azure-kubernetes-service-cluster-manage-backups",
  egress: "https://learn.microsoft.com/azure/aks/outbound-rules-control-egress",
  policy: "https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes",
  nsg: "https://learn.microsoft.com/azure/virtual-network/service-tags-overview",
  upgrade: "https://learn.microsoft.com/azure/aks/upgrade-aks-cluster",
  startStop: "https://learn.microsoft.com/azure/aks/start-stop-cluster",
} as const;
