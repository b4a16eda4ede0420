import { shellArg } from "./cluster-view.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-020",
  slug: "vault-identity",
  severity: "high",
  title: "Backup vault has a managed identity",
  rationale:
    "The backup vault reaches the cluster through trusted access with its managed identity, and every role the vault needs is granted to that identity.",
  docsUrl: DOCS.trustedAccess,
  evaluate(c) {
    const vault = c.vault();
    if (!vault.ok) return unknown(vault.missing);
    const p = c.vaultPrincipal();
    if (p.ok) return pass(`${p.value.label} has managed identity principal ${p.value.principalId}`);
    if (p.reason !== "absent") return unknown(p.missing);
    const v = vault.value;
    return fail(
      p.missing.replace(/ \(AKSBK-020\)$/, ""),
      `az dataprotection backup-vault update --resource-group ${shellArg(v.res?.resourceGroup ?? "")} --vault-name ${shellArg(v.name)} --subscription ${v.res?.subscriptionId ?? ""} --type SystemAssigned`,
    );
  },
});
