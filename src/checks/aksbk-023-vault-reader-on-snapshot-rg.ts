import { DOCS, defineCheck } from "./define-check.js";
import { ROLE, evaluateRole } from "./role-check.js";

export default defineCheck({
  id: "AKSBK-023",
  slug: "vault-reader-on-snapshot-rg",
  severity: "high",
  title: "Vault: Reader on the snapshot resource group",
  rationale: "The backup vault needs Reader on the snapshot resource group to list and read the snapshots it manages.",
  docsUrl: DOCS.roles,
  evaluate(c) {
    return evaluateRole(c, c.vaultPrincipal(), ROLE.reader, c.snapshotResourceGroup());
  },
});
