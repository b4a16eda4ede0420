import { DOCS, defineCheck } from "./define-check.js";
import { ROLE, evaluateRole } from "./role-check.js";

export default defineCheck({
  id: "AKSBK-027",
  slug: "extension-blob-contributor-on-storage",
  severity: "high",
  title: "Extension identity: Storage Blob Data Contributor on the storage account",
  rationale: "The backup extension's identity needs Storage Blob Data Contributor on the storage account to write cluster-resource backups into the blob container.",
  docsUrl: DOCS.roles,
  evaluate(c) {
    return evaluateRole(c, c.extensionPrincipal(), ROLE.storageBlobDataContributor, c.storageScope());
  },
});
