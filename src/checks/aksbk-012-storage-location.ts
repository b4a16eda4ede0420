import { shellArg } from "./cluster-view.js";
import { extensionTarget } from "./commands.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-012",
  slug: "storage-location",
  severity: "high",
  title: "Backup storage location configured",
  rationale:
    "The backup extension stores backups in a blob container given at installation; its settings must name the storage account and the container.",
  docsUrl: DOCS.extension,
  evaluate(c) {
    const s = c.storageSettings();
    if (!s.ok) return unknown(s.missing);
    const { account, container } = s.value;
    const ext = c.backupExtension();
    const extName = ext.ok ? ext.value.name : "azure-aks-backup";
    const lacking = [!account && "configuration.backupStorageLocation.config.storageAccount", !container && "configuration.backupStorageLocation.bucket"].filter(Boolean);
    if (lacking.length) {
      return fail(
        `backup extension ${extName} lacks ${lacking.join(" and ")}`,
        `az k8s-extension update --name ${shellArg(extName)} ${extensionTarget(c)} --configuration-settings blobContainer=${shellArg(container ?? "<blob container>")} storageAccount=${shellArg(account ?? "<storage account>")} storageAccountResourceGroup=${shellArg(s.value.resourceGroup ?? "<resource group>")} storageAccountSubscriptionId=${s.value.subscriptionId}`,
      );
    }
    const acct = c.storageAccount();
    if (!acct.ok) return unknown(`backup extension ${extName} uses container ${container} in ${acct.missing}`);
    return pass(`backup extension ${extName} stores backups in container ${container} of storage account ${acct.value.id.raw}`);
  },
});
