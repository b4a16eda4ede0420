/** A hand-built report covering every cluster status, every check status, and hostile Azure data. */
import type { AuditReport, CheckResult, ClusterReport } from "../../src/model/types.js";

export const XSS_NAME = "<img src=x onerror=alert(1)>";
export const QUOTES = `"quotes" & 'apostrophes'`;
export const FORMULA = '=HYPERLINK("http://evil.example","click me")';
export const SCRIPT_BREAKER = "</script><script>alert(2)</script>";

const SUB_A = "11111111-1111-1111-1111-111111111111";
const SUB_B = "22222222-2222-2222-2222-222222222222";

const clusterId = (sub: string, rg: string, name: string): string =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;

const pass = (id: string, title: string, evidence: string): CheckResult => ({ id, status: "pass", severity: "high", title, evidence });

const compliant: ClusterReport = {
  id: clusterId(SUB_A, "rg-prod", "prod-ok"),
  name: "prod-ok",
  subscriptionId: SUB_A,
  resourceGroup: "rg-prod",
  location: "westeurope",
  status: "compliant",
  tags: { env: "prod" },
  checks: [
    pass("AKSBK-001", "Kubernetes version supports CSI snapshots", "kubernetesVersion 1.29.4"),
    {
      id: "AKSBK-005",
      status: "warn",
      severity: "low",
      title: "Cluster is running",
      evidence: "powerState.code is Stopped",
      remediation: "az aks start --resource-group rg-prod --name prod-ok",
    },
    { id: "AKSBK-041", status: "not_applicable", severity: "low", title: "Azure Policy exempts the namespace", evidence: "Azure Policy add-on is off" },
  ],
};

const LONG_COMMAND =
  "az role assignment create --assignee-object-id 00000000-0000-0000-0000-00000000abcd --assignee-principal-type ServicePrincipal --role \"Reader\" --scope " +
  clusterId(SUB_B, "rg-evil", "evil");

const nonCompliant: ClusterReport = {
  id: clusterId(SUB_B, "rg-evil", "evil"),
  name: XSS_NAME,
  subscriptionId: SUB_B,
  resourceGroup: "rg-evil",
  location: "northeurope",
  status: "non_compliant",
  tags: { owner: QUOTES, script: SCRIPT_BREAKER },
  checks: [
    pass("AKSBK-001", "Kubernetes version supports CSI snapshots", "kubernetesVersion 1.30.0"),
    {
      id: "AKSBK-011",
      status: "fail",
      severity: "high",
      title: "Backup extension installed and healthy",
      evidence: `Extension state ${QUOTES} | pipes | and *stars* with [link](javascript:alert(3))`,
      remediation:
        "az k8s-extension create --name azure-aks-backup --extension-type microsoft.dataprotection.kubernetes --cluster-type managedClusters --cluster-name evil --resource-group rg-evil\n" +
        "# then wait for provisioningState Succeeded\n" +
        "echo ```not a fence```",
      docsUrl: "https://learn.microsoft.com/azure/backup/azure-kubernetes-service-cluster-manage-backups",
    },
    {
      id: "AKSBK-016",
      status: "fail",
      severity: "medium",
      title: "No conflicting Velero installation",
      evidence: FORMULA,
      remediation: "-az k8s-extension delete --name velero",
      docsUrl: "javascript:alert(4)",
    },
    {
      id: "AKSBK-022",
      status: "fail",
      severity: "high",
      title: "Vault: Reader on the cluster",
      evidence:
        "The backup vault's principal 00000000-0000-0000-0000-00000000abcd has no Reader role assignment on the cluster, neither directly nor inherited from the resource group or subscription.",
      remediation: LONG_COMMAND,
      suppressed: { reason: `Tracked in CHG-42 ${QUOTES}`, expires: "2027-01-01" },
    },
    {
      id: "AKSBK-040",
      status: "warn",
      severity: "low",
      title: "Egress for the extension",
      evidence: "private cluster\nline two \u001b[31mred\u001b[0m",
      remediation: "Allow egress to *.blob.core.windows.net",
    },
    {
      id: "AKSBK-030",
      status: "unknown",
      severity: "high",
      title: "Cluster is protected by a backup instance",
      evidence: "backupInstances were not collected",
    },
    { id: "AKSBK-041", status: "not_applicable", severity: "low", title: "Azure Policy exempts the namespace", evidence: "NA-EVIDENCE-HIDDEN" },
  ],
};

const unknown: ClusterReport = {
  id: clusterId(SUB_A, "rg-dev", "dev-1"),
  name: "dev-1",
  subscriptionId: SUB_A,
  resourceGroup: "rg-dev",
  location: "West Europe",
  status: "unknown",
  checks: [
    pass("AKSBK-001", "Kubernetes version supports CSI snapshots", "kubernetesVersion 1.28.0"),
    {
      id: "AKSBK-010",
      status: "unknown",
      severity: "high",
      title: "Microsoft.KubernetesConfiguration provider registered",
      evidence: "providers were not collected",
      remediation: "az provider show --namespace Microsoft.KubernetesConfiguration --subscription " + SUB_A,
    },
    { id: "AKSBK-041", status: "not_applicable", severity: "low", title: "Azure Policy exempts the namespace", evidence: "Azure Policy add-on is off" },
  ],
};

export const report: AuditReport = {
  schema: "aks-backup-auditor/report@1",
  generatedAt: "2026-11-23T08:00:00Z",
  summary: { clusters: 3, compliant: 1, nonCompliant: 1, unknown: 1 },
  clusters: [compliant, nonCompliant, unknown],
  notes: ["In-tree volumes are not visible from the control plane."],
  collection: {
    collected: ["extensions"],
    errors: [{ kind: "providers", subscriptionId: SUB_A, message: "403 Forbidden <AuthorizationFailed>" }],
    referenceTime: "2026-11-23T07:30:00Z",
  },
  checks: [
    { id: "AKSBK-001", severity: "high", title: "Kubernetes version supports CSI snapshots", docsUrl: "https://learn.microsoft.com/" },
    { id: "AKSBK-005", severity: "low", title: "Cluster is running", docsUrl: "https://learn.microsoft.com/" },
    { id: "AKSBK-010", severity: "high", title: "Microsoft.KubernetesConfiguration provider registered", docsUrl: "https://learn.microsoft.com/" },
    { id: "AKSBK-011", severity: "high", title: "Backup extension installed and healthy", docsUrl: "https://learn.microsoft.com/" },
    { id: "AKSBK-016", severity: "medium", title: "No conflicting Velero installation", docsUrl: "https://learn.microsoft.com/" },
    { id: "AKSBK-022", severity: "high", title: "Vault: Reader on the cluster", docsUrl: "https://learn.microsoft.com/" },
    { id: "AKSBK-030", severity: "high", title: "Cluster is protected by a backup instance", docsUrl: "https://learn.microsoft.com/" },
    { id: "AKSBK-040", severity: "low", title: "Egress for the extension", docsUrl: "https://learn.microsoft.com/" },
    { id: "AKSBK-041", severity: "low", title: "Azure Policy exempts the namespace", docsUrl: "https://learn.microsoft.com/" },
  ],
};

/** Every check id that is fail, warn or unknown somewhere in the fixture. */
export const NON_PASS_IDS = ["AKSBK-005", "AKSBK-010", "AKSBK-011", "AKSBK-016", "AKSBK-022", "AKSBK-030", "AKSBK-040"];
export { LONG_COMMAND };
