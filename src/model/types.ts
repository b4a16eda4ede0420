/** Core value types shared by every layer. No I/O, no Azure SDK imports. */

export const STATUSES = ["pass", "fail", "warn", "unknown", "not_applicable"] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ["high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export type ClusterStatus = "compliant" | "non_compliant" | "unknown";

/** The kinds a snapshot may declare as collected (checks.md, "Collected kinds"). */
export const KINDS = [
  "extensions",
  "trustedAccessRoleBindings",
  "roleAssignments",
  "roleDefinitions",
  "backupVaults",
  "backupInstances",
  "backupJobs",
  "providers",
  "storageAccounts",
  "subscriptions",
  "policyAssignments",
  "policyDefinitions",
  "virtualNetworks",
  "networkSecurityGroups",
] as const;
export type Kind = (typeof KINDS)[number];

export interface Suppression {
  reason: string;
  expires?: string | undefined;
}

/** One check's verdict for one cluster, as it appears in the JSON report (contracts.md §2). */
export interface CheckResult {
  id: string;
  status: Status;
  severity: Severity;
  title: string;
  evidence: string;
  remediation?: string | undefined;
  docsUrl?: string | undefined;
  suppressed?: Suppression | undefined;
}

export interface ClusterReport {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  status: ClusterStatus;
  tags?: Record<string, string> | undefined;
  checks: CheckResult[];
}

export interface CollectionError {
  kind: string;
  subscriptionId?: string | undefined;
  /** When the failure concerns one resource only (e.g. one cluster's trusted-access bindings). */
  resourceId?: string | undefined;
  message: string;
}

export interface ReportSummary {
  clusters: number;
  compliant: number;
  nonCompliant: number;
  unknown: number;
}

export interface CatalogueEntry {
  id: string;
  severity: Severity;
  title: string;
  docsUrl: string;
}

export interface AuditReport {
  schema: "aks-backup-auditor/report@1";
  generatedAt: string;
  summary: ReportSummary;
  clusters: ClusterReport[];
  notes?: string[] | undefined;
  collection?: { collected: string[]; errors: CollectionError[]; referenceTime?: string | undefined } | undefined;
  checks?: CatalogueEntry[] | undefined;
}
