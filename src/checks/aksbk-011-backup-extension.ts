import { str } from "../model/props.js";
import { shellArg } from "./cluster-view.js";
import { extensionTarget, installExtensionCommand } from "./commands.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

const TRANSIENT = new Set(["creating", "updating", "deleting", "accepted", "pending", "running"]);

export default defineCheck({
  id: "AKSBK-011",
  slug: "backup-extension",
  severity: "high",
  title: "Backup extension installed and healthy",
  rationale:
    "The backup vault talks to the cluster through the backup extension (microsoft.dataprotection.kubernetes), which must be installed on both the source cluster and any restore target.",
  docsUrl: DOCS.extension,
  evaluate(c) {
    const ext = c.backupExtension();
    if (!ext.ok) {
      if (ext.reason !== "absent") return unknown(ext.missing);
      const others = c.extensions();
      const list = others.ok && others.value.length ? ` (extensions present: ${others.value.map((e) => `${e.name} [${str(e.raw, "properties", "extensionType") ?? "?"}]`).join(", ")})` : "";
      return fail(`no extension of type microsoft.dataprotection.kubernetes is installed on the cluster${list}`, installExtensionCommand(c));
    }
    const e = ext.value;
    const state = str(e.raw, "properties", "provisioningState");
    if (!state) return unknown(`backup extension ${e.name} shows no provisioningState`);
    const l = state.toLowerCase();
    if (l === "succeeded") return pass(`backup extension ${e.name} (version ${str(e.raw, "properties", "version") ?? str(e.raw, "properties", "currentVersion") ?? "?"}) is Succeeded`);
    if (TRANSIENT.has(l)) return unknown(`backup extension ${e.name} is ${state}; audit again when it settles`);
    const msg = str(e.raw, "properties", "errorInfo", "message") ?? str(e.raw, "properties", "statuses", "0", "message");
    return fail(
      `backup extension ${e.name} is ${state}${msg ? `: ${msg}` : ""}`,
      `az k8s-extension show --name ${shellArg(e.name)} ${extensionTarget(c)}\n` +
        `az k8s-extension delete --name ${shellArg(e.name)} ${extensionTarget(c)} --yes\n` +
        installExtensionCommand(c, storageFromExtension(c)),
    );
  },
});

function storageFromExtension(c: Parameters<typeof extensionTarget>[0]) {
  const s = c.storageSettings();
  return s.ok ? s.value : undefined;
}
