import { idKey } from "../model/arm-id.js";
import { str } from "../model/props.js";
import { BACKUP_OPERATOR_ROLE, shellArg } from "./cluster-view.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-021",
  slug: "trusted-access",
  severity: "high",
  title: "Trusted access from the backup vault",
  rationale:
    "The backup vault accesses the cluster through trusted access: it must be assigned the Microsoft.DataProtection/backupVaults/backup-operator role on the cluster through a trusted-access role binding.",
  docsUrl: DOCS.trustedAccess,
  evaluate(c) {
    const bindings = c.bindings();
    if (!bindings.ok) return unknown(bindings.missing);
    const vault = c.vault();
    const ops = c.backupOperatorBindings();
    const cmd = (vaultId: string) =>
      `az aks trustedaccess rolebinding create --resource-group ${shellArg(c.resourceGroup)} --cluster-name ${shellArg(c.name)} --subscription ${c.subscriptionId} --name backup-operator-binding --source-resource-id ${shellArg(vaultId)} --roles ${BACKUP_OPERATOR_ROLE}`;
    if (!vault.ok) {
      // The bindings were collected and the vault resolution falls back to them, so an unresolved vault
      // means no binding carries the role: a fail whatever the vault (checks.md), even when the backup
      // instances that would name it were not collected.
      const why = vault.reason === "absent" ? "and no backup vault is associated with the cluster" : `and the backup vault could not be resolved (${vault.missing})`;
      return fail(`no trusted-access binding on the cluster grants a backup vault the ${BACKUP_OPERATOR_ROLE} role, ${why}`, cmd("<backup vault id>"));
    }
    const v = vault.value;
    const match = ops.find((b) => idKey(str(b.raw, "properties", "sourceResourceId") ?? "") === v.key);
    if (match) return pass(`trusted-access binding ${match.name} grants backup vault ${v.id} the ${BACKUP_OPERATOR_ROLE} role`);
    const others = ops.map((b) => `${b.name} → ${str(b.raw, "properties", "sourceResourceId") ?? "?"}`);
    return fail(
      `no trusted-access binding on the cluster grants backup vault ${v.id} (found via the ${v.via}) the ${BACKUP_OPERATOR_ROLE} role${others.length ? `; backup-operator bindings for other vaults: ${others.join(", ")}` : ""}`,
      cmd(v.id),
    );
  },
});
