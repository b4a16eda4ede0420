import { obj, str } from "../model/props.js";
import { DOCS, defineCheck, fail, pass } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-004",
  slug: "managed-identity",
  severity: "high",
  title: "Cluster uses a managed identity",
  rationale:
    "Azure Backup for AKS supports clusters with a system-assigned or user-assigned managed identity; clusters that use a service principal are not supported.",
  docsUrl: DOCS.managedIdentity,
  evaluate(c) {
    const type = str(c.raw, "identity", "type");
    const l = type?.toLowerCase() ?? "";
    if (l.includes("systemassigned") || l.includes("userassigned")) return pass(`identity.type is ${type}`);
    const sp = str(obj(c.raw, "properties"), "servicePrincipalProfile", "clientId");
    const why = sp && sp.toLowerCase() !== "msi" ? `the cluster uses service principal ${sp}` : `identity.type is ${type ?? "absent"}`;
    return fail(`${why}; backup needs a system- or user-assigned managed identity`, `az aks update ${c.azTarget} --enable-managed-identity`);
  },
});
