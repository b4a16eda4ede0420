import { normaliseLocation } from "../model/props.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-015",
  slug: "storage-region",
  severity: "low",
  title: "Backup storage account in the cluster's region",
  rationale:
    "Backups cross regions when the storage account is elsewhere: slower, billed egress, and a region outage can take both the cluster and its backups' path away.",
  docsUrl: DOCS.configureBackup,
  evaluate(c) {
    const acct = c.storageAccount();
    if (!acct.ok) return unknown(acct.missing);
    const a = acct.value;
    if (!a.location || !c.location) return unknown(`the location of ${!a.location ? `storage account ${a.name}` : "the cluster"} is not in the input`);
    if (normaliseLocation(a.location) === normaliseLocation(c.location)) return pass(`storage account ${a.name} and the cluster are both in ${c.location}`);
    return fail(
      `storage account ${a.name} is in ${a.location}, the cluster in ${c.location}`,
      `# create (or pick) a storage account in ${normaliseLocation(c.location)} and point the backup extension at it:\n` +
        `az storage account create --resource-group ${c.resourceGroup} --name <new account name> --location ${normaliseLocation(c.location)} --sku Standard_LRS --subscription ${c.subscriptionId}`,
    );
  },
});
