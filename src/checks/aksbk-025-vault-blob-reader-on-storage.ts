import { DOCS, defineCheck } from "./define-check.js";
import { ROLE, evaluateRole } from "./role-check.js";

export default defineCheck({
  id: "AKSBK-025",
  slug: "vault-blob-reader-on-storage",
  severity: "high",
  title: "Vault: Storage Blob Data Reader on the storage account",
  rationale: "The backup vault needs Storage Blob Data Reader on the storage account to read the blob container holding backed-up cluster state and move it to the vault tier.",
  docsUrl: DOCS.roles,
  evaluate(c) {
    return evaluateRole(c, c.vaultPrincipal(), ROLE.storageBlobDataReader, c.storageScope());
  },
});
