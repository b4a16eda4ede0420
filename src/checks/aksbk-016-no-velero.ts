import { str } from "../model/props.js";
import { shellArg } from "./cluster-view.js";
import { extensionTarget } from "./commands.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-016",
  slug: "no-velero",
  severity: "medium",
  title: "No conflicting Velero installation",
  rationale:
    "A previous Velero installation must be removed before installing the backup extension: the Velero CRDs are shared and version mismatches break backups.",
  docsUrl: DOCS.prerequisites,
  evaluate(c) {
    const exts = c.extensions();
    if (!exts.ok) return unknown(exts.missing);
    const velero = exts.value.filter((e) => (str(e.raw, "properties", "extensionType") ?? "").toLowerCase().includes("velero"));
    if (!velero.length) {
      return pass(`no Velero extension among the cluster's ${exts.value.length} extension(s) (a Velero installed by Helm is not visible to the control plane)`);
    }
    return fail(
      `Velero extension(s) installed: ${velero.map((e) => `${e.name} [${str(e.raw, "properties", "extensionType") ?? ""}]`).join(", ")}`,
      velero.map((e) => `az k8s-extension delete --name ${shellArg(e.name)} ${extensionTarget(c)} --yes`).join("\n"),
    );
  },
});
