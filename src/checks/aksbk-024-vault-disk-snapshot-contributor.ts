import { DOCS, defineCheck } from "./define-check.js";
import { ROLE, evaluateRole } from "./role-check.js";

export default defineCheck({
  id: "AKSBK-024",
  slug: "vault-disk-snapshot-contributor",
  severity: "high",
  title: "Vault: Disk Snapshot Contributor on the snapshot resource group",
  rationale: "The backup vault needs Disk Snapshot Contributor on the snapshot resource group to access disk snapshots and perform vault operations.",
  docsUrl: DOCS.roles,
  evaluate(c) {
    return evaluateRole(c, c.vaultPrincipal(), ROLE.diskSnapshotContributor, c.snapshotResourceGroup());
  },
});
