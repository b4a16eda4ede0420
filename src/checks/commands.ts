/** Remediation commands shared by several checks, with the real names filled in. */
import { shellArg, type ClusterView } from "./cluster-view.js";

export function extensionTarget(c: ClusterView): string {
  return `--cluster-type managedClusters --cluster-name ${shellArg(c.name)} --resource-group ${shellArg(c.resourceGroup)} --subscription ${c.subscriptionId}`;
}

/** `az k8s-extension create` for the backup extension, as Microsoft's setup guide gives it. */
export function installExtensionCommand(c: ClusterView, s?: { account?: string | undefined; container?: string | undefined; resourceGroup?: string | undefined; subscriptionId?: string | undefined }): string {
  const settings = [
    `blobContainer=${shellArg(s?.container ?? "<blob container>")}`,
    `storageAccount=${shellArg(s?.account ?? "<storage account>")}`,
    `storageAccountResourceGroup=${shellArg(s?.resourceGroup ?? "<storage account resource group>")}`,
    `storageAccountSubscriptionId=${s?.subscriptionId ?? c.subscriptionId}`,
  ].join(" ");
  return `az k8s-extension create --name azure-aks-backup --extension-type microsoft.dataprotection.kubernetes --scope cluster --release-train stable ${extensionTarget(c)} --configuration-settings ${settings}`;
}

export function portalLink(id: string): string {
  return `https://portal.azure.com/#@/resource${id}`;
}
