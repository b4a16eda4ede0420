/** The bundled sample fleet, split the way Azure serves it: Resource Graph rows, ARM bindings, ARM provider registrations. */
import { readFileSync } from "node:fs";
import type { ProviderRegistration } from "../../support/fake-azure.js";

export const SAMPLE = JSON.parse(readFileSync(new URL("../../../examples/sample-fleet.json", import.meta.url), "utf8")) as {
  collectedAt: string;
  scope: { subscriptions: string[] };
  resources: Record<string, unknown>[];
};

export function splitForFake(resources: readonly Record<string, unknown>[]) {
  const rows: Record<string, unknown>[] = [];
  const bindings: Record<string, unknown>[] = [];
  const providers: ProviderRegistration[] = [];
  for (const r of resources) {
    const type = String(r["type"] ?? "").toLowerCase();
    if (!type) {
      const id = String(r["id"]);
      providers.push({ subscriptionId: id.split("/")[2] ?? "", namespace: String(r["namespace"]), registrationState: String(r["registrationState"]) });
    } else if (type === "microsoft.containerservice/managedclusters/trustedaccessrolebindings") bindings.push(r);
    else rows.push(r);
  }
  return { resources: rows, bindings, providers };
}
