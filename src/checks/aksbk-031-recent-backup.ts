import { str } from "../model/props.js";
import type { Res } from "../model/resource.js";
import { shellArg } from "./cluster-view.js";
import { DOCS, defineCheck, fail, notApplicable, pass, unknown } from "./define-check.js";

const WINDOW_MS = 48 * 3600 * 1000;
/**
 * Finished job states (checks.md). `Succeeded` is not in the catalogue's list but is what some
 * Data Protection job listings print for a completed job, so it counts as a success too.
 */
const SUCCESS = new Set(["completed", "completedwithwarnings", "succeeded"]);
const FINISHED = new Set([...SUCCESS, "failed", "cancelled"]);

export default defineCheck({
  id: "AKSBK-031",
  slug: "recent-backup",
  severity: "medium",
  title: "Recent successful backup (within 48 hours)",
  rationale: "A configured backup that has not completed recently cannot restore recent state: the last backup job must have succeeded within 48 hours.",
  docsUrl: DOCS.manageBackups,
  evaluate(c) {
    const bi = c.backupInstance();
    if (!bi.ok) return bi.reason === "absent" ? notApplicable("no backup instance protects this cluster (AKSBK-030)") : unknown(bi.missing);
    const nc = c.notCollected("backupJobs");
    if (nc) return unknown(nc);
    const inst = bi.value;
    const byInstance = c.fleet.jobsByInstance.get(inst.id.key) ?? [];
    const byCluster = (c.fleet.jobsByDataSource.get(c.key) ?? []).filter((j) => !str(j.raw, "properties", "backupInstanceId"));
    const ref = c.fleet.referenceTime;
    let latest: { job: Res; end: number; status: string } | undefined;
    for (const job of [...byInstance, ...byCluster]) {
      if ((str(job.raw, "properties", "operationCategory") ?? "").toLowerCase() !== "backup") continue;
      const status = str(job.raw, "properties", "status") ?? "";
      if (!FINISHED.has(status.toLowerCase())) continue;
      const end = Date.parse(str(job.raw, "properties", "endTime") ?? "");
      if (Number.isNaN(end)) continue;
      if (!latest || end > latest.end) latest = { job, end, status };
    }
    const refText = `${ref.toISOString()} (${c.fleet.referenceTimeFromInput ? "the snapshot's collectedAt" : "now"})`;
    const vaultId = inst.id.raw.slice(0, inst.id.raw.toLowerCase().lastIndexOf("/backupinstances/"));
    const vaultParts = vaultId.split("/");
    const fix =
      `az dataprotection job list --subscription ${vaultParts[2] ?? ""} --resource-group ${shellArg(vaultParts[4] ?? "")} --vault-name ${shellArg(vaultParts[8] ?? "")} --query "[?properties.backupInstanceId=='${inst.id.raw}'] | sort_by(@, &properties.startTime)[-5:].{status:properties.status, end:properties.endTime, error:properties.errorDetails}"\n` +
      `az dataprotection backup-instance adhoc-backup --ids ${shellArg(inst.id.raw)} --rule-name '<backup rule of the policy>' --retention-tag-override Default`;
    if (!latest) return fail(`backup instance ${inst.name} has no finished backup job in the input (reference time ${refText})`, fix);
    const age = ref.getTime() - latest.end;
    const when = `${new Date(latest.end).toISOString()}, ${age < 0 ? `${formatAge(-age)} after` : `${formatAge(age)} before`} ${refText}`;
    if (!SUCCESS.has(latest.status.toLowerCase())) return fail(`the latest finished backup job ${latest.job.name} ended ${latest.status} at ${when}`, fix);
    if (age > WINDOW_MS) return fail(`the latest finished backup job ${latest.job.name} ended ${latest.status} at ${when}: older than 48 h`, fix);
    return pass(`the latest finished backup job ${latest.job.name} ended ${latest.status} at ${when}`);
  },
});

function formatAge(ms: number): string {
  const h = ms / 3600000;
  return h < 1 ? `${Math.round(ms / 60000)} min` : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;
}
