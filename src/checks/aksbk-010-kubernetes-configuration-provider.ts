import { str } from "../model/props.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

export default defineCheck({
  id: "AKSBK-010",
  slug: "kubernetes-configuration-provider",
  severity: "high",
  title: "Microsoft.KubernetesConfiguration resource provider registered",
  rationale:
    "Before installing an extension in an AKS cluster, the Microsoft.KubernetesConfiguration resource provider must be registered at the subscription level.",
  docsUrl: DOCS.provider,
  evaluate(c) {
    const nc = c.notCollected("providers");
    if (nc) return unknown(nc);
    const reg = c.fleet.providers.get(`${c.subscriptionId.toLowerCase()}|microsoft.kubernetesconfiguration`);
    if (!reg) return unknown(`no registration record of Microsoft.KubernetesConfiguration for subscription ${c.subscriptionId} is in the input`);
    const state = str(reg.raw, "registrationState") ?? str(reg.raw, "properties", "registrationState");
    if (state?.toLowerCase() === "registered") return pass(`Microsoft.KubernetesConfiguration is Registered in subscription ${c.subscriptionId}`);
    if (!state) return unknown(`the registration record of Microsoft.KubernetesConfiguration in subscription ${c.subscriptionId} has no registrationState`);
    return fail(
      `Microsoft.KubernetesConfiguration is ${state} in subscription ${c.subscriptionId}`,
      `az provider register --namespace Microsoft.KubernetesConfiguration --subscription ${c.subscriptionId} --wait`,
    );
  },
});
