import { found } from "./cluster-view.js";
import { DOCS, defineCheck } from "./define-check.js";
import { ROLE, evaluateRole } from "./role-check.js";

export default defineCheck({
  id: "AKSBK-022",
  slug: "vault-reader-on-cluster",
  severity: "high",
  title: "Vault: Reader on the cluster",
  rationale: "The backup vault needs Reader on the AKS cluster to list and read it (roles assigned as part of backup: Reader, backup vault, AKS cluster).",
  docsUrl: DOCS.roles,
  evaluate(c) {
    return evaluateRole(c, c.vaultPrincipal(), ROLE.reader, found({ id: c.res.id.raw, key: c.key, subscriptionId: c.subscriptionId, label: `cluster ${c.name}` }));
  },
});
