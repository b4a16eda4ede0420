// The loopback Azure fake, driven through the real SDK clients.
import { afterEach, describe, expect, it } from "vitest";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import {
  ARM_SCOPE,
  fakeCredential,
  fakeJwt,
  formatResetsAfter,
  parseGraphQuery,
  startFakeAzure,
  tableForType,
  type FakeAzure,
  type FakeAzureOptions,
} from "./fake-azure.js";

const SUB_A = "aaaaaaaa-0000-0000-0000-000000000001";
const SUB_B = "bbbbbbbb-0000-0000-0000-000000000002";
const SUB_C = "cccccccc-0000-0000-0000-000000000003";
const SUB_X = "dddddddd-0000-0000-0000-00000000000f"; // forbidden to the caller

const CLUSTER_TYPE = "microsoft.containerservice/managedclusters";
const CLUSTER_QUERY = `resources | where type in~ ('${CLUSTER_TYPE}') | project id, name, type, subscriptionId`;

function clusterId(sub: string, rg: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

function cluster(sub: string, rg: string, name: string): Record<string, unknown> {
  return {
    id: clusterId(sub, rg, name),
    name,
    type: CLUSTER_TYPE,
    location: "westeurope",
    subscriptionId: sub,
    resourceGroup: rg,
    properties: { kubernetesVersion: "1.30.4", provisioningState: "Succeeded" },
  };
}

function clusters(sub: string, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => cluster(sub, `rg-${i % 7}`, `aks-${String(i).padStart(5, "0")}`));
}

function binding(clusterResourceId: string, name: string): Record<string, unknown> {
  return {
    id: `${clusterResourceId}/trustedAccessRoleBindings/${name}`,
    name,
    type: "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings",
    properties: {
      provisioningState: "Succeeded",
      roles: ["Microsoft.DataProtection/backupVaults/backup-operator"],
      sourceResourceId: `/subscriptions/${SUB_A}/resourceGroups/rg-vault/providers/Microsoft.DataProtection/backupVaults/vault-1`,
    },
  };
}

const opened: FakeAzure[] = [];

async function start(options: FakeAzureOptions): Promise<FakeAzure> {
  const fake = await startFakeAzure(options);
  opened.push(fake);
  return fake;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((fake) => fake.close()));
});

function graphClient(fake: FakeAzure, token = "principal-a", maxRetries = 0): ResourceGraphClient {
  return new ResourceGraphClient(fakeCredential(token), {
    endpoint: fake.url,
    tlsOptions: { ca: fake.ca },
    credentials: { scopes: [ARM_SCOPE] },
    retryOptions: { maxRetries },
  });
}

function resourcesClient(fake: FakeAzure, sub: string, maxRetries = 0): ResourceManagementClient {
  return new ResourceManagementClient(fakeCredential(), sub, fake.clientOptions({ maxRetries }));
}

function containerClient(fake: FakeAzure, sub: string, maxRetries = 0): ContainerServiceClient {
  return new ContainerServiceClient(fakeCredential(), sub, fake.clientOptions({ maxRetries }));
}

interface CaughtError {
  statusCode?: number;
  code?: string;
  message: string;
  response?: { headers: { get(name: string): string | undefined } };
}

async function failure(promise: Promise<unknown>): Promise<CaughtError> {
  try {
    await promise;
  } catch (error) {
    return error as CaughtError;
  }
  throw new Error("expected the call to fail");
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("helpers", () => {
  it("maps types to Resource Graph tables", () => {
    expect(tableForType("Microsoft.KubernetesConfiguration/extensions")).toBe("kubernetesconfigurationresources");
    expect(tableForType("microsoft.dataprotection/backupvaults/backupinstances")).toBe("recoveryservicesresources");
    expect(tableForType("Microsoft.DataProtection/backupVaults/backupJobs")).toBe("recoveryservicesresources");
    expect(tableForType("Microsoft.Authorization/roleAssignments")).toBe("authorizationresources");
    expect(tableForType("microsoft.authorization/roledefinitions")).toBe("authorizationresources");
    expect(tableForType("Microsoft.Authorization/policyAssignments")).toBe("policyresources");
    expect(tableForType("microsoft.authorization/policysetdefinitions")).toBe("policyresources");
    expect(tableForType("Microsoft.Resources/subscriptions/resourceGroups")).toBe("resourcecontainers");
    expect(tableForType("microsoft.resources/subscriptions")).toBe("resourcecontainers");
    expect(tableForType("Microsoft.ContainerService/managedClusters")).toBe("resources");
    expect(tableForType("Microsoft.DataProtection/backupVaults")).toBe("resources");
  });

  it("reads the table and type list of a query and nothing else", () => {
    expect(parseGraphQuery("Resources | where type in~ ('A/B', \"c/d\") | project id | where x == 'y'")).toEqual({
      table: "resources",
      types: ["a/b", "c/d"],
    });
    expect(() => parseGraphQuery("resources | where name == 'x'")).toThrow();
    expect(() => parseGraphQuery("resources | where type in~ (a/b)")).toThrow();
  });

  it("formats quota reset times as hh:mm:ss, rounding up", () => {
    expect(formatResetsAfter(5000)).toBe("00:00:05");
    expect(formatResetsAfter(4001)).toBe("00:00:05");
    expect(formatResetsAfter(3_723_000)).toBe("01:02:03");
    expect(formatResetsAfter(0)).toBe("00:00:00");
  });
});

describe("TLS on loopback", () => {
  it("listens on 127.0.0.1 only and is trusted by the SDK through tlsOptions.ca", async () => {
    const fake = await start({ resources: clusters(SUB_A, 3), graphQuota: null });
    expect(fake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.ca).toContain("-----BEGIN CERTIFICATE-----");

    // The shape of the client the collector builds: endpoint + tlsOptions.ca + scopes.
    const client = new ResourceGraphClient(fakeCredential("principal-a"), {
      endpoint: fake.url,
      tlsOptions: { ca: fake.ca },
      credentials: { scopes: [ARM_SCOPE] },
    });
    const result = await client.resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY });
    expect(result.count).toBe(3);

    const untrusting = new ResourceGraphClient(fakeCredential("principal-a"), {
      endpoint: fake.url,
      credentials: { scopes: [ARM_SCOPE] },
      retryOptions: { maxRetries: 0 },
    });
    const error = await failure(untrusting.resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY }));
    expect(error.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it("answers 401 without a bearer token", async () => {
    const fake = await start({ graphQuota: null });
    const response = await fetchWithCa(fake, "/subscriptions/x/providers/Microsoft.Foo?api-version=2025-04-01");
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: "AuthenticationFailed" } });
  });
});

describe("Resource Graph", () => {
  it("pages 2,500 clusters 1,000 at a time with an opaque $skipToken, sorted by id", async () => {
    const fleet = [...clusters(SUB_A, 1000), ...clusters(SUB_B, 900), ...clusters(SUB_C, 600)].reverse();
    const fake = await start({ resources: fleet, graphQuota: null });
    const client = graphClient(fake);
    const ids: string[] = [];
    const counts: number[] = [];
    let skipToken: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result = await client.resources({
        subscriptions: [SUB_A, SUB_B, SUB_C],
        query: CLUSTER_QUERY,
        options: { top: 1000, ...(skipToken ? { skipToken } : {}) },
      });
      expect(result.totalRecords).toBe(2500);
      expect(result.resultTruncated).toBe("false");
      expect(result.facets).toEqual([]);
      counts.push(result.count);
      for (const row of result.data as { id: string }[]) ids.push(row.id);
      skipToken = result.skipToken;
      if (!skipToken) break;
    }
    expect(counts).toEqual([1000, 1000, 500]);
    expect(new Set(ids).size).toBe(2500);
    const sorted = [...ids].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    expect(ids).toEqual(sorted);
    expect(fake.stats.rows["resources"]).toEqual({ [SUB_A]: 1000, [SUB_B]: 900, [SUB_C]: 600 });
    expect(fake.stats.routes.graph).toMatchObject({ requests: 3, ok: 3 });
    expect(fake.stats.log.map((entry) => entry.rows)).toEqual([1000, 1000, 500]);
  });

  it("answers in the REST shape: totalRecords, count, resultTruncated, $skipToken, data, facets", async () => {
    const fake = await start({ resources: clusters(SUB_A, 5), graphQuota: null });
    const response = await fetchWithCa(fake, "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", {
      method: "POST",
      token: "principal-a",
      body: { subscriptions: [SUB_A], query: CLUSTER_QUERY, options: { $top: 2 } },
    });
    expect(response.status).toBe(200);
    const body = response.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["totalRecords", "count", "resultTruncated", "$skipToken", "data", "facets"]);
    expect(body).toMatchObject({ totalRecords: 5, count: 2, resultTruncated: "false", facets: [] });
    expect(Array.isArray(body["data"])).toBe(true);
    // no $top: Azure's default page of 100 rows, and no token when everything fits
    const all = await fetchWithCa(fake, "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", {
      method: "POST",
      token: "principal-a",
      body: { subscriptions: [SUB_A], query: CLUSTER_QUERY },
    });
    expect(Object.keys(all.body as object)).toEqual(["totalRecords", "count", "resultTruncated", "data", "facets"]);
  });

  it("routes types to their tables, fills the Resource Graph columns and filters by scope", async () => {
    const clusterA = cluster(SUB_A, "rg-1", "aks-a");
    const extension = {
      id: `${clusterId(SUB_A, "rg-1", "aks-a")}/providers/Microsoft.KubernetesConfiguration/extensions/azure-aks-backup`,
      type: "Microsoft.KubernetesConfiguration/extensions",
      name: "azure-aks-backup",
      properties: { extensionType: "microsoft.dataprotection.kubernetes" },
    };
    const roleAssignment = {
      id: `/subscriptions/${SUB_B}/providers/Microsoft.Authorization/roleAssignments/ra-1`,
      type: "microsoft.authorization/roleassignments",
      subscriptionId: SUB_B,
      properties: { principalId: "p-1" },
    };
    const builtInRole = {
      id: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
      type: "microsoft.authorization/roledefinitions",
      properties: { roleName: "Reader" },
    };
    const fake = await start({
      resources: [clusterA, cluster(SUB_B, "rg-2", "aks-b"), cluster(SUB_X, "rg-3", "aks-x"), extension, roleAssignment, builtInRole],
      managementGroups: { "mg-prod": [SUB_A, SUB_X] },
      forbiddenSubscriptions: [SUB_X],
      graphQuota: null,
    });
    const client = graphClient(fake);
    const ids = async (request: Parameters<ResourceGraphClient["resources"]>[0]): Promise<string[]> =>
      ((await client.resources(request)).data as { id: string }[]).map((row) => row.id);

    // clusters only in `resources`, extensions only in `kubernetesconfigurationresources`
    expect(await ids({ subscriptions: [SUB_A], query: `Resources | where type in~ ('microsoft.kubernetesconfiguration/extensions')` })).toEqual([]);
    const extensionRows = (
      await client.resources({
        subscriptions: [SUB_A],
        query: "kubernetesconfigurationresources | where type in~ ('microsoft.kubernetesconfiguration/extensions') | project id, properties",
      })
    ).data as Record<string, unknown>[];
    expect(extensionRows).toEqual([
      { ...extension, type: "microsoft.kubernetesconfiguration/extensions", subscriptionId: SUB_A, resourceGroup: "rg-1" },
    ]);
    // subscription filter is case-insensitive; forbidden subscriptions are silently left out
    expect(await ids({ subscriptions: [SUB_A.toUpperCase()], query: CLUSTER_QUERY })).toEqual([clusterA["id"]]);
    expect(await ids({ subscriptions: [SUB_A, SUB_X], query: CLUSTER_QUERY })).toEqual([clusterA["id"]]);
    expect(await ids({ managementGroups: ["mg-prod"], query: CLUSTER_QUERY })).toEqual([clusterA["id"]]);
    expect(await ids({ query: CLUSTER_QUERY })).toHaveLength(2);
    // tenant-level rows come with any scope
    expect(
      await ids({
        subscriptions: [SUB_A],
        query: "authorizationresources | where type in~ ('microsoft.authorization/roleassignments', 'microsoft.authorization/roledefinitions')",
      }),
    ).toEqual([builtInRole.id]);
    expect(
      await ids({
        subscriptions: [SUB_B],
        query: "authorizationresources | where type in~ ('microsoft.authorization/roleassignments', 'microsoft.authorization/roledefinitions')",
      }),
    ).toEqual([builtInRole.id, roleAssignment.id]);
    expect(fake.stats.rows["authorizationresources"]).toEqual({ "": 2, [SUB_B]: 1 });
  });

  it("rejects a $skipToken used with a different query, unreadable queries and oversized pages with 400", async () => {
    const fake = await start({ resources: clusters(SUB_A, 30), graphQuota: null });
    const client = graphClient(fake);
    const first = await client.resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY, options: { top: 10 } });
    expect(first.skipToken).toBeTruthy();
    const second = await client.resources({
      subscriptions: [SUB_A],
      query: CLUSTER_QUERY,
      options: { skipToken: first.skipToken ?? "" },
    });
    expect(second.count).toBe(10); // the token carries the page size
    const reused = await failure(
      client.resources({
        subscriptions: [SUB_A],
        query: `resources | where type in~ ('microsoft.storage/storageaccounts')`,
        options: { skipToken: first.skipToken ?? "" },
      }),
    );
    expect(reused.statusCode).toBe(400);
    const otherScope = await failure(
      client.resources({ subscriptions: [SUB_B], query: CLUSTER_QUERY, options: { skipToken: first.skipToken ?? "" } }),
    );
    expect(otherScope.statusCode).toBe(400);
    const garbage = await failure(client.resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY, options: { skipToken: "%%%" } }));
    expect(garbage.statusCode).toBe(400);
    const unreadable = await failure(client.resources({ subscriptions: [SUB_A], query: "resources | take 5" }));
    expect(unreadable.statusCode).toBe(400);
    expect(unreadable.code).toBe("BadRequest");
    const unknownTable = await failure(client.resources({ subscriptions: [SUB_A], query: "resourcez | where type in~ ('x/y')" }));
    expect(unknownTable.statusCode).toBe(400);
    const tooBig = await failure(client.resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY, options: { top: 1001 } }));
    expect(tooBig.statusCode).toBe(400);
    expect(fake.stats.routes.graph).toMatchObject({ requests: 8, ok: 2, clientErrors: 6 });
  });

  it("reports the per-principal quota in headers the SDK exposes through onResponse", async () => {
    const fake = await start({ resources: clusters(SUB_A, 3) });
    const client = graphClient(fake);
    const seen: { remaining: string | undefined; resetsAfter: string | undefined }[] = [];
    for (let i = 0; i < 3; i += 1) {
      await client.resources(
        { subscriptions: [SUB_A], query: CLUSTER_QUERY },
        {
          onResponse: (response) =>
            seen.push({
              remaining: response.headers.get("x-ms-user-quota-remaining"),
              resetsAfter: response.headers.get("x-ms-user-quota-resets-after"),
            }),
        },
      );
    }
    expect(seen.map((s) => s.remaining)).toEqual(["14", "13", "12"]);
    for (const s of seen) expect(s.resetsAfter).toMatch(/^00:00:0[0-5]$/);
  });

  it("answers 429 RateLimiting with Retry-After beyond the quota, per principal, until the window has passed", async () => {
    let clock = 1_000;
    const fake = await start({
      resources: clusters(SUB_A, 3),
      graphQuota: { requests: 3, windowMs: 5000 },
      now: () => clock,
    });
    const alice = graphClient(fake, "principal-a");
    const query = { subscriptions: [SUB_A], query: CLUSTER_QUERY };
    for (let i = 0; i < 3; i += 1) await alice.resources(query);
    clock += 1_500;
    const throttled = await failure(alice.resources(query));
    expect(throttled.statusCode).toBe(429);
    expect(throttled.code).toBe("RateLimiting");
    expect(throttled.response?.headers.get("retry-after")).toBe("4");
    expect(throttled.response?.headers.get("x-ms-user-quota-remaining")).toBe("0");
    expect(throttled.response?.headers.get("x-ms-user-quota-resets-after")).toBe("00:00:04");

    // another principal (a JWT: the principal is its oid claim) has its own window
    const bob = graphClient(fake, fakeJwt({ oid: "11111111-2222-3333-4444-555555555555", aud: ARM_SCOPE }));
    await expect(bob.resources(query)).resolves.toMatchObject({ count: 3 });

    clock += 3_500; // the window of 5 s has passed
    let remaining: string | undefined;
    await alice.resources(query, { onResponse: (response) => (remaining = response.headers.get("x-ms-user-quota-remaining")) });
    expect(remaining).toBe("2");
    expect(fake.stats.throttled).toBe(1);
    expect(fake.stats.routes.graph).toMatchObject({ requests: 6, ok: 5, throttled: 1 });
    expect(fake.stats.log.map((entry) => entry.principal)).toEqual([
      "principal-a",
      "principal-a",
      "principal-a",
      "principal-a",
      "11111111-2222-3333-4444-555555555555",
      "principal-a",
    ]);
    expect(fake.stats.log.map((entry) => entry.status)).toEqual([200, 200, 200, 429, 200, 200]);
  });

  it("returns a 500 once, which the SDK's own retry absorbs (and which surfaces raw with retries off)", async () => {
    const fake = await start({ resources: clusters(SUB_A, 3), graphQuota: null });
    const fault = fake.inject({ route: "graph", status: 500 });
    const retrying = new ResourceGraphClient(
      fakeCredential(),
      fake.clientOptions({ maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 }),
    );
    await expect(retrying.resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY })).resolves.toMatchObject({ count: 3 });
    expect(fault.fired).toBe(1);
    expect(fault.spent).toBe(true);
    expect(fake.stats.log.map((entry) => entry.status)).toEqual([500, 200]);

    fake.inject({ route: "graph", status: 503, code: "ServerTimeout", message: "try later" });
    const raw = await failure(graphClient(fake).resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY }));
    expect(raw.statusCode).toBe(503);
    expect(raw.code).toBe("ServerTimeout");
    expect(fake.stats.routes.graph).toMatchObject({ requests: 3, ok: 1, serverErrors: 2 });
  });

  it("injects a 429 with Retry-After", async () => {
    const fake = await start({ resources: clusters(SUB_A, 3), graphQuota: null });
    fake.inject({ route: "graph", status: 429, retryAfterSeconds: 7 });
    const error = await failure(graphClient(fake).resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY }));
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe("RateLimiting");
    expect(error.response?.headers.get("retry-after")).toBe("7");
    expect(fake.stats.throttled).toBe(1);
  });

  it("resets a connection without answering, then serves the next request", async () => {
    const fake = await start({ resources: clusters(SUB_A, 3), graphQuota: null });
    fake.inject({ route: "graph", reset: true });
    const client = graphClient(fake);
    const error = await failure(client.resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY }));
    expect(error.code).toBe("ECONNRESET");
    await expect(client.resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY })).resolves.toMatchObject({ count: 3 });
    expect(fake.stats.routes.graph).toMatchObject({ requests: 2, ok: 1, resets: 1 });
    expect(fake.stats.log[0]).toMatchObject({ status: 0, fault: "reset" });

    // the SDK retries a reset on its own
    fake.inject({ route: "graph", reset: true });
    const retrying = new ResourceGraphClient(fakeCredential(), fake.clientOptions({ maxRetries: 2, retryDelayInMs: 5 }));
    await expect(retrying.resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY })).resolves.toMatchObject({ count: 3 });
  });
});

describe("ARM reads", () => {
  const providers = [
    { subscriptionId: SUB_A, namespace: "Microsoft.KubernetesConfiguration", registrationState: "Registered" },
    { subscriptionId: SUB_B, namespace: "Microsoft.KubernetesConfiguration", registrationState: "NotRegistered" },
    { subscriptionId: SUB_X, namespace: "Microsoft.KubernetesConfiguration", registrationState: "Registered" },
  ];

  it("GETs a provider registration through ResourceManagementClient.providers.get; 404 for unknown namespaces", async () => {
    const fake = await start({ providers, armQuota: null });
    const provider = await resourcesClient(fake, SUB_A).providers.get("microsoft.kubernetesconfiguration");
    expect(provider).toMatchObject({
      id: `/subscriptions/${SUB_A}/providers/Microsoft.KubernetesConfiguration`,
      namespace: "Microsoft.KubernetesConfiguration",
      registrationState: "Registered",
    });
    expect((await resourcesClient(fake, SUB_B).providers.get("Microsoft.KubernetesConfiguration")).registrationState).toBe("NotRegistered");
    const unknown = await failure(resourcesClient(fake, SUB_A).providers.get("Microsoft.Nope"));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.code).toBe("InvalidResourceNamespace");
    expect(fake.stats.routes.provider).toMatchObject({ requests: 3, ok: 2, clientErrors: 1 });
  });

  it("answers 403 AuthorizationFailed for a forbidden subscription", async () => {
    const fake = await start({ providers, forbiddenSubscriptions: [SUB_X], armQuota: null });
    const error = await failure(resourcesClient(fake, SUB_X).providers.get("Microsoft.KubernetesConfiguration"));
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe("AuthorizationFailed");
    expect(fake.stats.log[0]).toMatchObject({ kind: "provider", subscriptionId: SUB_X, status: 403 });
  });

  it("keeps a token bucket per subscription with x-ms-ratelimit-remaining-subscription-reads and 429 + Retry-After", async () => {
    let clock = 0;
    const fake = await start({ providers, armQuota: { burst: 2, perSecond: 1 }, now: () => clock });
    const client = resourcesClient(fake, SUB_A);
    const remaining: (string | undefined)[] = [];
    const onResponse = (response: { headers: { get(name: string): string | undefined } }): void => {
      remaining.push(response.headers.get("x-ms-ratelimit-remaining-subscription-reads"));
    };
    await client.providers.get("Microsoft.KubernetesConfiguration", { onResponse });
    await client.providers.get("Microsoft.KubernetesConfiguration", { onResponse });
    const throttled = await failure(client.providers.get("Microsoft.KubernetesConfiguration"));
    expect(remaining).toEqual(["1", "0"]);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.code).toBe("SubscriptionRequestsThrottled");
    expect(throttled.response?.headers.get("retry-after")).toBe("1");
    // another subscription has its own bucket
    await expect(resourcesClient(fake, SUB_B).providers.get("Microsoft.KubernetesConfiguration")).resolves.toBeTruthy();
    clock += 1000; // one token back
    await client.providers.get("Microsoft.KubernetesConfiguration", { onResponse });
    expect(remaining).toEqual(["1", "0", "0"]);
    expect(fake.stats.throttled).toBe(1);
  });

  it("lists trusted-access bindings through ContainerServiceClient, following nextLink; 404 for a missing cluster", async () => {
    const id = clusterId(SUB_A, "rg-1", "aks-a");
    const bindings = ["b1", "b2", "b3", "b4", "b5"].map((name) => binding(id, name));
    const fake = await start({
      resources: [cluster(SUB_A, "rg-1", "aks-a"), cluster(SUB_A, "rg-1", "aks-empty")],
      bindings,
      bindingsPageSize: 2,
      armQuota: null,
    });
    const client = containerClient(fake, SUB_A);
    const names: string[] = [];
    for await (const item of client.trustedAccessRoleBindings.list("rg-1", "aks-a")) {
      names.push(item.name ?? "");
      expect(item.roles).toEqual(["Microsoft.DataProtection/backupVaults/backup-operator"]);
      expect(item.sourceResourceId).toContain("/backupVaults/vault-1");
    }
    expect(names).toEqual(["b1", "b2", "b3", "b4", "b5"]);
    expect(fake.stats.routes.bindings).toMatchObject({ requests: 3, ok: 3 });

    const none: unknown[] = [];
    for await (const item of client.trustedAccessRoleBindings.list("RG-1", "AKS-EMPTY")) none.push(item);
    expect(none).toEqual([]);

    const missing = await failure(
      (async () => {
        for await (const item of client.trustedAccessRoleBindings.list("rg-1", "aks-gone")) void item;
      })(),
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe("ResourceNotFound");
  });
});

describe("fault injection", () => {
  it("acts on the nth matching request for `times` requests, by route and predicate", async () => {
    const fake = await start({
      providers: [
        { subscriptionId: SUB_A, namespace: "Microsoft.KubernetesConfiguration", registrationState: "Registered" },
        { subscriptionId: SUB_B, namespace: "Microsoft.KubernetesConfiguration", registrationState: "Registered" },
      ],
      armQuota: null,
    });
    const fault = fake.inject({ route: "provider", match: (request) => request.subscriptionId === SUB_B, nth: 2, times: 2, status: 503 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await resourcesClient(fake, SUB_A).providers.get("Microsoft.KubernetesConfiguration");
      try {
        await resourcesClient(fake, SUB_B).providers.get("Microsoft.KubernetesConfiguration");
        statuses.push(200);
      } catch (error) {
        statuses.push((error as CaughtError).statusCode ?? -1);
      }
    }
    expect(statuses).toEqual([200, 503, 503, 200, 200]);
    expect(fault).toMatchObject({ matched: 3, fired: 2, spent: true });
    expect(fake.stats.routes.provider).toMatchObject({ requests: 10, ok: 8, serverErrors: 2 });
    expect(() => fake.inject({ route: "graph" })).toThrow();
  });

  it("delays answers (slow pages) and records concurrency per subscription", async () => {
    const id = clusterId(SUB_A, "rg-1", "aks-a");
    const fake = await start({ resources: [cluster(SUB_A, "rg-1", "aks-a")], bindings: [binding(id, "b1")], armQuota: null });
    fake.inject({ route: "bindings", delayMs: 150, times: 3 });
    const client = containerClient(fake, SUB_A);
    const list = async (): Promise<number> => {
      let n = 0;
      for await (const item of client.trustedAccessRoleBindings.list("rg-1", "aks-a")) if (item) n += 1;
      return n;
    };
    const began = performance.now();
    expect(await Promise.all([list(), list(), list()])).toEqual([1, 1, 1]);
    expect(performance.now() - began).toBeGreaterThanOrEqual(140);
    expect(fake.stats.maxConcurrent.perSubscription[SUB_A]).toBe(3);
    expect(fake.stats.maxConcurrent.total).toBe(3);
    expect(fake.stats.log.every((entry) => entry.fault === "delay" && entry.durationMs >= 140)).toBe(true);
  });

  it("adds a per-route latency, so client concurrency shows in maxConcurrent", async () => {
    const ids = [clusterId(SUB_A, "rg-1", "aks-a"), clusterId(SUB_B, "rg-1", "aks-b")];
    const fake = await start({
      resources: [cluster(SUB_A, "rg-1", "aks-a"), cluster(SUB_B, "rg-1", "aks-b")],
      bindings: ids.map((id) => binding(id, "b1")),
      armQuota: null,
      graphQuota: null,
      latencyMs: { bindings: 50 },
    });
    const list = async (sub: string, name: string): Promise<number> => {
      let n = 0;
      for await (const item of containerClient(fake, sub).trustedAccessRoleBindings.list("rg-1", name)) if (item) n += 1;
      return n;
    };
    const calls = [...Array.from({ length: 4 }, () => list(SUB_A, "aks-a")), ...Array.from({ length: 2 }, () => list(SUB_B, "aks-b"))];
    expect(await Promise.all(calls)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(fake.stats.maxConcurrent.perSubscription).toEqual({ [SUB_A]: 4, [SUB_B]: 2 });
    expect(fake.stats.maxConcurrent.total).toBe(6);
    expect(fake.stats.log.every((entry) => entry.durationMs >= 45 && entry.fault === undefined)).toBe(true);
    // graph answers are not delayed
    const began = performance.now();
    await graphClient(fake).resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY });
    expect(performance.now() - began).toBeLessThan(45);
  });

  it("close() cancels pending delays, closes connections and stops listening, leaving no timer or socket", async () => {
    const census = (): Record<string, number> => {
      const counts: Record<string, number> = {};
      for (const resource of process.getActiveResourcesInfo()) counts[resource] = (counts[resource] ?? 0) + 1;
      return counts;
    };
    const before = census();
    const fake = await startFakeAzure({ resources: clusters(SUB_A, 2), graphQuota: null });
    const slow = fake.inject({ route: "graph", delayMs: 60_000 });
    const pending = failure(graphClient(fake).resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY }));
    await until(() => slow.fired === 1, "the slow request to arrive");
    const began = performance.now();
    await fake.close();
    expect(performance.now() - began).toBeLessThan(2000);
    const error = await pending;
    expect(error.code).toBe("ECONNRESET");
    expect(fake.stats.routes.graph).toMatchObject({ requests: 1, aborted: 1 });
    await fake.close(); // idempotent
    const refused = await failure(graphClient(fake).resources({ subscriptions: [SUB_A], query: CLUSTER_QUERY }));
    expect(refused.code).toBe("ECONNREFUSED");
    // handles close asynchronously: give them a moment, then nothing of ours may be left
    await until(() => {
      const now = census();
      return ["Timeout", "TCPServerWrap", "TCPSocketWrap", "TLSWrap"].every((kind) => (now[kind] ?? 0) <= (before[kind] ?? 0));
    }, "timers and sockets to be released");
  });
});

// A bare HTTPS request, for what the SDK hides (exact body keys, missing Authorization).
async function fetchWithCa(
  fake: FakeAzure,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }> {
  const https = await import("node:https");
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: "application/json" };
    if (init.token) headers["authorization"] = `Bearer ${init.token}`;
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (payload !== undefined) headers["content-type"] = "application/json";
    const request = https.request(
      new URL(path, fake.url),
      { method: init.method ?? "GET", ca: fake.ca, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined });
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}
