import { str } from "../model/props.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

/** Minimum version with CSI snapshot support (seed: "Kubernetes version 1.21.1 or later"). */
const MIN = [1, 21, 1] as const;

/**
 * Parses `1.29.4`, `v1.29.4`, `1.29.4-hotfix`. Returns undefined for anything else.
 * A two-part version (`1.21`) is returned with patch undefined: it decides the check only when
 * the minor version alone decides it (1.22 passes, 1.20 fails, 1.21 is unknown).
 */
export function parseVersion(v: string): { major: number; minor: number; patch: number | undefined } | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? undefined : Number(m[3]) };
}

export default defineCheck({
  id: "AKSBK-001",
  slug: "kubernetes-version",
  severity: "high",
  title: "Kubernetes version supports CSI snapshots (1.21.1 or later)",
  rationale:
    "AKS backup uses CSI driver snapshot capabilities to back up persistent volumes; CSI driver support is available for AKS clusters with Kubernetes version 1.21.1 or later.",
  docsUrl: DOCS.csi,
  evaluate(c) {
    const current = str(c.raw, "properties", "currentKubernetesVersion")?.trim() || undefined;
    const declared = str(c.raw, "properties", "kubernetesVersion")?.trim() || undefined;
    const raw = current ?? declared;
    const field = current ? "currentKubernetesVersion" : "kubernetesVersion";
    if (!raw) return unknown("the cluster shows neither currentKubernetesVersion nor kubernetesVersion");
    const v = parseVersion(raw);
    if (!v) return unknown(`${field} "${raw}" is not a version the auditor can read`);
    const cmp = v.major !== MIN[0] ? v.major - MIN[0] : v.minor - MIN[1];
    const fix = `az aks get-upgrades ${c.azTarget} --output table\naz aks upgrade ${c.azTarget} --kubernetes-version <a supported version, at least 1.21.1>`;
    if (cmp > 0) return pass(`${field} ${raw}`);
    if (cmp < 0) return fail(`${field} ${raw} is older than 1.21.1, which CSI snapshots need`, fix);
    if (v.patch === undefined) return unknown(`${field} "${raw}" has no patch version; 1.21.0 would be too old and 1.21.1 or later is enough`);
    return v.patch >= MIN[2] ? pass(`${field} ${raw}`) : fail(`${field} ${raw} is older than 1.21.1, which CSI snapshots need`, fix);
  },
});
