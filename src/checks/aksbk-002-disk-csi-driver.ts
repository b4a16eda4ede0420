import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-002",
  slug: "disk-csi-driver",
  severity: "high",
  title: "Azure Disk CSI driver enabled",
  rationale:
    "Only CSI-driver-based Azure Disk volumes can be backed up; the prerequisites say to make sure the CSI drivers and snapshots are enabled before installing the backup extension.",
  docsUrl: DOCS.csi,
  evaluate(c) {
    const v = c.prop("storageProfile", "diskCSIDriver", "enabled");
    if (v === true) return pass("storageProfile.diskCSIDriver.enabled is true");
    if (v === false)
      return fail("storageProfile.diskCSIDriver.enabled is false", `az aks update ${c.azTarget} --enable-disk-driver --enable-snapshot-controller`);
    // AKS documents true as the default, but an audit reports what it saw.
    return unknown("storageProfile.diskCSIDriver.enabled is not in the input (AKS defaults it to true, but the input does not show it)");
  },
});
