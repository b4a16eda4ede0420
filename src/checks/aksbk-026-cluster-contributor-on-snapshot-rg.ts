import { DOCS, defineCheck } from "./define-check.js";
import { ROLE, evaluateRole } from "./role-check.js";

export default defineCheck({
  id: "AKSBK-026",
  slug: "cluster-contributor-on-snapshot-rg",
  severity: "high",
  title: "Cluster identity: Contributor on the snapshot resource group",
  rationale: "The cluster's identity needs Contributor on the snapshot resource group to store persistent volume snapshots there.",
  docsUrl: DOCS.roles,
  evaluate(c) {
    return evaluateRole(c, c.clusterPrincipal(), ROLE.contributor, c.snapshotResourceGroup());
  },
});
