import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-005",
  slug: "cluster-running",
  severity: "low",
  title: "Cluster is running",
  rationale: "The backup extension runs in the cluster: a stopped cluster takes no backups until it is started again.",
  docsUrl: DOCS.startStop,
  evaluate(c) {
    const code = c.prop("powerState", "code");
    if (typeof code !== "string") return unknown("powerState.code is not in the input");
    if (code.toLowerCase() === "running") return pass("powerState.code is Running");
    return fail(`powerState.code is ${code}: no backups run while the cluster is stopped`, `az aks start ${c.azTarget}`);
  },
});
