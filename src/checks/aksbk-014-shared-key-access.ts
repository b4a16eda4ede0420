import { bool } from "../model/props.js";
import { shellArg } from "./cluster-view.js";
import { extensionTarget } from "./commands.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-014",
  slug: "shared-key-access",
  severity: "low",
  title: "Storage account key access compatible with the extension",
  rationale:
    "The backup extension authenticates to the backup storage account with shared keys unless it is configured for Microsoft Entra authentication (useAAD); with key access disabled it cannot write backups.",
  docsUrl: DOCS.extension,
  evaluate(c) {
    const s = c.storageSettings();
    if (!s.ok) return unknown(s.missing);
    if (s.value.useAAD) return pass("the backup extension uses Microsoft Entra authentication (configuration.backupStorageLocation.config.useAAD is true)");
    const acct = c.storageAccount();
    if (!acct.ok) return unknown(acct.missing);
    const a = acct.value;
    const shared = bool(a.raw, "properties", "allowSharedKeyAccess");
    if (shared !== false) return pass(`storage account ${a.name} allows shared-key access (allowSharedKeyAccess ${shared === undefined ? "not set, default true" : "true"})`);
    const ext = c.backupExtension();
    return fail(
      `storage account ${a.name} has allowSharedKeyAccess false and the backup extension does not set configuration.backupStorageLocation.config.useAAD to true`,
      `az k8s-extension update --name ${shellArg(ext.ok ? ext.value.name : "azure-aks-backup")} ${extensionTarget(c)} --configuration-settings configuration.backupStorageLocation.config.useAAD=true\n` +
        `# or, if the extension cannot use Entra authentication:\naz storage account update --resource-group ${shellArg(a.resourceGroup ?? "")} --name ${shellArg(a.name)} --subscription ${a.subscriptionId ?? ""} --allow-shared-key-access true`,
    );
  },
});
