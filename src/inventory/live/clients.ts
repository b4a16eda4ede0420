/**
 * The Azure SDK clients the collector uses, built from one set of options: the ARM endpoint and token
 * audience (settings: public cloud, China, US Gov or any URL — also how tests point them at a loopback
 * server), the credential, and no SDK-side retries (retry.ts owns retries so they are counted).
 */
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { ResourceManagementClient } from "@azure/arm-resources";

export const CLOUDS = {
  public: { endpoint: "https://management.azure.com", audience: "https://management.azure.com/.default" },
  china: { endpoint: "https://management.chinacloudapi.cn", audience: "https://management.chinacloudapi.cn/.default" },
  usgov: { endpoint: "https://management.usgovcloudapi.net", audience: "https://management.usgovcloudapi.net/.default" },
} as const;

export interface ArmConnection {
  endpoint: string;
  audience: string;
  credential: TokenCredential;
  /** Extra CA certificate (PEM) to trust — for a test server; never needed against Azure. */
  ca?: string | undefined;
  /** Sees every attempt (method, URL, status, duration) — for --verbose and metrics. */
  observer?: ((e: { method: string; url: string; status: number | undefined; ms: number }) => void) | undefined;
}

export interface AzureClients {
  graph: ResourceGraphClient;
  resources(subscriptionId: string): ResourceManagementClient;
  containers(subscriptionId: string): ContainerServiceClient;
}

function observerPolicy(observe: NonNullable<ArmConnection["observer"]>): PipelinePolicy {
  return {
    name: "aksBackupAuditorObserver",
    async sendRequest(request, next) {
      const started = Date.now();
      try {
        const res = await next(request);
        observe({ method: request.method, url: request.url, status: res.status, ms: Date.now() - started });
        return res;
      } catch (e) {
        observe({ method: request.method, url: request.url, status: (e as { statusCode?: number }).statusCode, ms: Date.now() - started });
        throw e;
      }
    },
  };
}

export function createClients(c: ArmConnection): AzureClients {
  const common = {
    endpoint: c.endpoint,
    retryOptions: { maxRetries: 0 },
    ...(c.ca ? { tlsOptions: { ca: c.ca } } : {}),
    additionalPolicies: c.observer ? [{ policy: observerPolicy(c.observer), position: "perRetry" as const }] : [],
  };
  const graph = new ResourceGraphClient(c.credential, { ...common, credentials: { scopes: [c.audience] } });
  const resources = new Map<string, ResourceManagementClient>();
  const containers = new Map<string, ContainerServiceClient>();
  return {
    graph,
    resources(sub) {
      let r = resources.get(sub);
      if (!r) resources.set(sub, (r = new ResourceManagementClient(c.credential, sub, { ...common, credentialScopes: [c.audience] })));
      return r;
    },
    containers(sub) {
      let r = containers.get(sub);
      if (!r) containers.set(sub, (r = new ContainerServiceClient(c.credential, sub, { ...common, credentials: { scopes: [c.audience] } })));
      return r;
    },
  };
}
