import { DOCS, defineCheck } from "./define-check.js";
import { ROLE, evaluateRole } from "./role-check.js";

export default defineCheck({
  id: "AKSBK-028",
  slug: "vault-data-operator-on-snapshot-rg",
  severity: "low",
  title: "Vault: Data Operator for Managed Disks on the snapshot resource group",
  rationale: "The backup vault needs Data Operator for Managed Disks on the snapshot resource group to move incremental snapshot data to the vault tier.",
  docsUrl: DOCS.roles,
  evaluate(c) {
    return evaluateRole(c, c.vaultPrincipal(), ROLE.dataOperatorForManagedDisks, c.snapshotResourceGroup());
  },
});
