import { bool, str } from "../model/props.js";
import { DOCS, defineCheck, fail, pass, unknown } from "./define-check.js";

/** The FQDNs the newer seed says the backup extension must reach from a restricted network. */
export const REQUIRED_FQDNS = [
  "*.microsoft.com", "mcr.microsoft.com", "data.mcr.microsoft.com", "crl.microsoft.com", "mscrl.microsoft.com",
  "oneocsp.microsoft.com", "*.azure.com", "management.azure.com", "gcs.prod.monitoring.core.windows.net",
  "*.prod.warm.ingest.monitor.core.windows.net", "*.blob.core.windows.net", "*.azmk8s.io", "ocsp.digicert.com",
  "cacerts.digicert.com", "crl3.digicert.com", "crl4.digicert.com", "ocsp.digicert.cn", "cacerts.digicert.cn",
  "cacerts.geotrust.com", "cdp.geotrust.com", "status.geotrust.com", "ocsp.msocsp.com", "*.azurecr.io", "docker.io",
  "*.dp.kubernetesconfiguration.azure.com",
] as const;

export default defineCheck({
  id: "AKSBK-040",
  slug: "egress",
  severity: "low",
  title: "Egress for the backup extension",
  rationale:
    "The extension pulls images from Microsoft Container Registry and talks to several FQDNs; in a private network with firewall restrictions those FQDNs must be allowed or installation fails.",
  docsUrl: DOCS.egress,
  evaluate(c) {
    const privateCluster = bool(c.raw, "properties", "apiServerAccessProfile", "enablePrivateCluster") === true;
    const network = c.prop("networkProfile");
    const outbound = str(network, "outboundType");
    if (network === undefined && !privateCluster) return unknown("networkProfile is not in the input");
    const udr = outbound?.toLowerCase() === "userdefinedrouting";
    if (!privateCluster && !udr) return pass(`public cluster with outboundType ${outbound ?? "not set (loadBalancer)"}`);
    const why = [privateCluster && "a private cluster", udr && "outboundType userDefinedRouting"].filter(Boolean).join(" with ");
    return fail(
      `${why}: egress passes through your own network controls, which must allow the FQDNs the backup extension needs`,
      `# allow these FQDNs (HTTPS 443) on the firewall or proxy in the cluster's egress path:\n# ${REQUIRED_FQDNS.join(" ")}`,
    );
  },
});
