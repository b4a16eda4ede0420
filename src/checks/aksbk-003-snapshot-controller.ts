import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-003",
  slug: "snapshot-controller",
  severity: "high",
  title: "CSI snapshot controller enabled",
  rationale:
    "Persistent volumes are backed up as CSI volume snapshots, which need the snapshot controller; the prerequisites say to make sure the CSI drivers and snapshots are enabled.",
  docsUrl: DOCS.csi,
  evaluate(c) {
    const v = c.prop("storageProfile", "snapshotController", "enabled");
    if (v === true) return pass("storageProfile.snapshotController.enabled is true");
    if (v === false)
      return fail("storageProfile.snapshotController.enabled is false", `az aks update ${c.azTarget} --enable-disk-driver --enable-snapshot-controller`);
    return unknown("storageProfile.snapshotController.enabled is not in the input (AKS defaults it to true, but the input does not show it)");
  },
});
