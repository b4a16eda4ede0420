import { str } from "../model/props.js";
import { protectionState } from "./cluster-view.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

const IN_PROGRESS = new Set(["configuringprotection", "updatingprotection"]);
const RESUMABLE = new Set(["protectionstopped", "backupschedulessuspended", "retentionschedulessuspended"]);

export default defineCheck({
  id: "AKSBK-030",
  slug: "backup-instance",
  severity: "high",
  title: "Cluster is protected by a backup instance",
  rationale:
    "Meeting the prerequisites protects nothing by itself: the cluster must be configured for backup in a backup vault (a backup instance with protection configured).",
  docsUrl: DOCS.configureBackup,
  evaluate(c) {
    const bi = c.backupInstance();
    const enable = `az dataprotection enable-backup trigger --datasource-type AzureKubernetesService --datasource-id ${c.res.id.raw}`;
    if (!bi.ok) {
      if (bi.reason !== "absent") return unknown(bi.missing);
      return fail(`no backup instance in the input protects this cluster (none has dataSourceInfo.resourceID = the cluster id)`, enable);
    }
    const inst = bi.value;
    const state = protectionState(inst);
    const vaultId = inst.id.raw.slice(0, inst.id.raw.toLowerCase().lastIndexOf("/backupinstances/"));
    if (!state) return unknown(`backup instance ${inst.name} in vault ${vaultId} shows neither currentProtectionState nor protectionStatus.status`);
    const l = state.toLowerCase();
    if (l === "protectionconfigured") return pass(`backup instance ${inst.name} in vault ${vaultId} is ProtectionConfigured`);
    if (IN_PROGRESS.has(l)) return unknown(`backup instance ${inst.name} in vault ${vaultId} is ${state}; audit again when it settles`);
    const err = str(inst.raw, "properties", "protectionErrorDetails", "message") ?? str(inst.raw, "properties", "protectionStatus", "errorDetails", "message");
    const fix = RESUMABLE.has(l)
      ? `az dataprotection backup-instance resume-protection --ids ${inst.id.raw}`
      : `az dataprotection backup-instance show --ids ${inst.id.raw} --query "properties.{state:currentProtectionState, error:protectionErrorDetails}"\n` +
        `az dataprotection backup-instance validate-for-backup --ids ${inst.id.raw}  # after fixing the failed checks of this report\n${enable}`;
    return fail(`backup instance ${inst.name} in vault ${vaultId} is ${state}${err ? `: ${err}` : ""}`, fix);
  },
});
