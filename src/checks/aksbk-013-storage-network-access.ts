import { idKey } from "../model/arm-id.js";
import { arr, isObject, obj, str } from "../model/props.js";
import { shellArg } from "./cluster-view.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

const VAULT_TYPE_SEGMENT = "/providers/microsoft.dataprotection/backupvaults/";

// A resource-instance rule's resourceId matches a vault. `*` matches within one segment, so both a
// trailing `.../backupVaults/*` and the portal's "all instances in the subscription" form
// `/subscriptions/{sub}/resourcegroups/*/providers/Microsoft.DataProtection/backupVaults/*` match.
// With no vault resolved, any rule naming a backup vault counts (checks.md).
export function ruleMatches(ruleId: string, vaultKey: string | undefined): boolean {
  const rule = idKey(ruleId.trim());
  if (!rule.includes(VAULT_TYPE_SEGMENT)) return false;
  if (vaultKey === undefined) return true;
  if (!rule.includes("*")) return rule === vaultKey;
  const ruleSegs = rule.split("/");
  const vaultSegs = vaultKey.split("/");
  if (ruleSegs.length !== vaultSegs.length) return false;
  return ruleSegs.every((seg, i) => {
    const v = vaultSegs[i] ?? "";
    if (!seg.includes("*")) return seg === v;
    const re = new RegExp("^" + seg.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*") + "$");
    return re.test(v);
  });
}

export default defineCheck({
  id: "AKSBK-013",
  slug: "storage-network-access",
  severity: "high",
  title: "Storage account reachable by the backup vault",
  rationale:
    "If the storage account uses network restrictions, the backup vault must be granted access as a resource instance (Microsoft.DataProtection/BackupVaults) and trusted Azure services must be allowed to access the account.",
  docsUrl: DOCS.storageFirewall,
  evaluate(c) {
    const acct = c.storageAccount();
    if (!acct.ok) return unknown(acct.missing);
    const a = acct.value;
    const props = obj(a.raw, "properties");
    const pna = str(props, "publicNetworkAccess");
    const acls = obj(props, "networkAcls");
    const vault = c.vault();
    const vaultKey = vault.ok ? vault.value.key : undefined;
    const vaultLabel = vault.ok ? `backup vault ${vault.value.id}` : "a backup vault";
    const tenant = str(a.raw, "tenantId") ?? (vault.ok && vault.value.res ? str(vault.value.res.raw, "tenantId") : undefined) ?? "$(az account show --query tenantId --output tsv)";
    const target = `--resource-group ${shellArg(a.resourceGroup ?? "")} --account-name ${shellArg(a.name)} --subscription ${a.subscriptionId ?? ""}`;
    const ruleCmd = `az storage account network-rule add ${target} --resource-id ${vault.ok ? vault.value.id : "<backup vault id>"} --tenant-id ${tenant}`;
    const bypassCmd = `az storage account update ${target} --bypass AzureServices`;
    if (pna?.toLowerCase() === "disabled") {
      return fail(
        `storage account ${a.name} has publicNetworkAccess Disabled, so the backup vault cannot reach it through the storage firewall`,
        `az storage account update ${target} --public-network-access Enabled --default-action Deny\n${ruleCmd}\n${bypassCmd}`,
      );
    }
    if (!acls) return unknown(`storage account ${a.name} shows no networkAcls`);
    const def = str(acls, "defaultAction");
    if (!def) return unknown(`storage account ${a.name} shows no networkAcls.defaultAction`);
    if (def.toLowerCase() === "allow") return pass(`storage account ${a.name}: publicNetworkAccess ${pna ?? "not set"}, networkAcls.defaultAction Allow`);
    const rules = (arr(acls, "resourceAccessRules") ?? []).filter(isObject);
    const rule = rules.map((r) => str(r, "resourceId")).find((id): id is string => !!id && ruleMatches(id, vaultKey));
    const bypass = (str(acls, "bypass") ?? "").split(",").map((x) => x.trim().toLowerCase());
    const trusted = bypass.includes("azureservices");
    if (rule && trusted) return pass(`storage account ${a.name} denies by default but grants ${vaultLabel} as a resource instance (${rule}) and lets trusted Azure services bypass`);
    const gaps = [!rule && `no resource-instance rule names ${vaultLabel}`, !trusted && `networkAcls.bypass is "${str(acls, "bypass") ?? ""}" without AzureServices`].filter(Boolean);
    return fail(`storage account ${a.name} denies network access by default and ${gaps.join(", and ")}`, [!rule && ruleCmd, !trusted && bypassCmd].filter(Boolean).join("\n"));
  },
});
