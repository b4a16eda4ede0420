/**
 * The HTTP API with real HttpRequest and InvocationContext objects: validation of bodies, paths and
 * query strings, RFC 9457 problem details, paging over Azurite, the durable status URLs.
 */
import { HttpRequest, HttpResponse, type HttpResponseInit } from "@azure/functions";
import { beforeAll, describe, expect, it } from "vitest";
import { createGetAuditHandler, GET_AUDIT_FUNCTION } from "../../src/functions/getAudit.js";
import { createGetClusterHandler, GET_CLUSTER_FUNCTION } from "../../src/functions/getCluster.js";
import { createListClustersHandler, LIST_CLUSTERS_FUNCTION } from "../../src/functions/listClusters.js";
import { FLEET_AUDIT_ORCHESTRATOR, type FleetAuditInput } from "../../src/functions/fleetAuditOrchestrator.js";
import { createStartAuditHandler, START_AUDIT_FUNCTION } from "../../src/functions/startAudit.js";
import type { ResultsStore } from "../../src/store/results-store.js";
import { clusterId, clusterReport, freshStore, input, SUB_A, SUB_B } from "../store/store-fixture.js";
import { context, FakeDurableClient, settings, SUB_1 } from "./support.js";

const BASE = "http://localhost:7071/api";
const NOW = new Date("2026-11-23T09:30:12.000Z");

function req(method: string, path: string, o: { body?: string; params?: Record<string, string> } = {}): HttpRequest {
  return new HttpRequest({ method, url: `${BASE}${path}`, ...(o.body !== undefined ? { body: { string: o.body } } : {}), headers: { "content-type": "application/json" }, params: o.params ?? {} });
}

/** Status, headers and parsed body of whatever a handler returned. */
async function answer(r: HttpResponseInit | HttpResponse): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const res = r instanceof HttpResponse ? r : new HttpResponse(r);
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: (await res.json()) as Record<string, unknown> };
}

function expectProblem(a: { status: number; type: string; body: Record<string, unknown> }, status: number) {
  expect(a.status).toBe(status);
  expect(a.type).toBe("application/problem+json");
  expect(a.body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//) as string, title: expect.any(String) as string });
}

describe("POST /api/audits", () => {
  const mk = (client = new FakeDurableClient()) => ({ client, h: createStartAuditHandler({ client: () => client, settings: settings(), clock: () => NOW, newId: () => "abcd1234" }) });

  it("starts a fleet audit of the configured scope and answers with the durable status URLs", async () => {
    const { client, h } = mk();
    const a = await answer(await h(req("POST", "/audits"), context(START_AUDIT_FUNCTION)));
    expect(a.status).toBe(202);
    const id = "fleet-audit-http-2026-11-23T09:30-abcd1234";
    expect(a.body).toMatchObject({ id, statusQueryGetUri: expect.stringContaining(id) as string, sendEventPostUri: expect.any(String) as string, terminatePostUri: expect.any(String) as string });
    const inst = client.instances.get(id);
    expect(inst?.name).toBe(FLEET_AUDIT_ORCHESTRATOR);
    expect(inst?.input as FleetAuditInput).toEqual({ runId: id, trigger: "http", scope: { subscriptions: settings().subscriptions, managementGroups: [] }, chunkSize: 300, collectBatch: 50 });
  });

  it("audits the subscriptions or management groups the body names", async () => {
    const { client, h } = mk();
    await h(req("POST", "/audits", { body: JSON.stringify({ managementGroups: ["mg-platform"] }) }), context(START_AUDIT_FUNCTION));
    expect(([...client.instances.values()][0]?.input as FleetAuditInput).scope).toEqual({ subscriptions: [], managementGroups: ["mg-platform"] });
  });

  it.each([
    ["not JSON", "{subscriptions:", /not valid JSON/],
    ["an unknown field", JSON.stringify({ subscription: [SUB_1] }), /subscription/],
    ["a subscription that is not a GUID", JSON.stringify({ subscriptions: ["prod"] }), /\/body\/subscriptions\/0: must be a subscription id/],
    ["an empty list", JSON.stringify({ subscriptions: [] }), /\/body\/subscriptions/],
    ["both scopes", JSON.stringify({ subscriptions: [SUB_1], managementGroups: ["mg"] }), /not both/],
    ["an array", "[]", /\/body/],
  ])("answers 400 problem details for %s", async (_n, body, detail) => {
    const { client, h } = mk();
    const a = await answer(await h(req("POST", "/audits", { body }), context(START_AUDIT_FUNCTION)));
    expectProblem(a, 400);
    expect(String(a.body["detail"])).toMatch(detail);
    expect(Array.isArray(a.body["errors"])).toBe(true);
    expect(client.calls.startNew).toBe(0);
  });

  it("answers 409 while another fleet audit is running", async () => {
    const client = new FakeDurableClient();
    client.add("fleet-audit-2026-11-23T05:00", FLEET_AUDIT_ORCHESTRATOR, "Running");
    const { h } = mk(client);
    const a = await answer(await h(req("POST", "/audits"), context(START_AUDIT_FUNCTION)));
    expectProblem(a, 409);
    expect(a.body["runningInstanceId"]).toBe("fleet-audit-2026-11-23T05:00");
  });

  it("answers 500 problem details (no internals) when the task hub cannot be reached", async () => {
    const client = new FakeDurableClient();
    client.getStatusBy = () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.4:443 AccountKey=c2VjcmV0"));
    const { h } = mk(client);
    const a = await answer(await h(req("POST", "/audits"), context(START_AUDIT_FUNCTION)));
    expectProblem(a, 500);
    expect(JSON.stringify(a.body)).not.toMatch(/ECONNREFUSED|AccountKey/);
  });
});

describe("GET /api/audits/{id}", () => {
  it("shows an audit's status and 404s an unknown id (the client throws for it)", async () => {
    const client = new FakeDurableClient();
    client.add("fleet-audit-2026-11-23T05:00", FLEET_AUDIT_ORCHESTRATOR, "Running", {}, { phase: "auditing", chunks: 34 });
    const h = createGetAuditHandler({ client: () => client });
    const ok = await answer(await h(req("GET", "/audits/fleet-audit-2026-11-23T05:00", { params: { id: "fleet-audit-2026-11-23T05:00" } }), context(GET_AUDIT_FUNCTION)));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ instanceId: "fleet-audit-2026-11-23T05:00", name: FLEET_AUDIT_ORCHESTRATOR, runtimeStatus: "Running", customStatus: { phase: "auditing", chunks: 34 } });
    const missing = await answer(await h(req("GET", "/audits/nope", { params: { id: "nope" } }), context(GET_AUDIT_FUNCTION)));
    expectProblem(missing, 404);
    expect(missing.body["instance"]).toBe("/api/audits/nope");
    const bad = await answer(await h(req("GET", "/audits/x", { params: { id: "../../etc" } }), context(GET_AUDIT_FUNCTION)));
    expectProblem(bad, 400);
  });
});

describe("GET /api/clusters and /api/clusters/{subscriptionId}/{resourceGroup}/{name}", () => {
  let store: ResultsStore;
  const A = Array.from({ length: 7 }, (_, i) => clusterId(SUB_A, "rg-a", `aks-a${i}`));
  const B = Array.from({ length: 3 }, (_, i) => clusterId(SUB_B, "rg-b", `aks-b${i}`));

  beforeAll(async () => {
    store = await freshStore();
    await store.persist(input([...A.map((id, i) => clusterReport(id, i < 2 ? { "AKSBK-022": "fail" } : {})), ...B.map((id) => clusterReport(id, { "AKSBK-011": "unknown" }))], "2026-11-23T06:00:00.000Z"));
  });

  const list = (query: string) => createListClustersHandler({ store: async () => store })(req("GET", `/clusters${query}`), context(LIST_CLUSTERS_FUNCTION));

  it("pages through every cluster with continuation tokens", async () => {
    const seen: string[] = [];
    let next = "?pageSize=4";
    for (let i = 0; i < 10 && next; i++) {
      const a = await answer(await list(next));
      expect(a.status).toBe(200);
      const items = a.body["items"] as { id: string; href: string }[];
      expect(items.length).toBeLessThanOrEqual(4);
      seen.push(...items.map((x) => x.id));
      next = a.body["next"] ? String(a.body["next"]).replace(/^\/api\/clusters/, "") : "";
      if (next) expect(a.body["continuationToken"]).toEqual(expect.any(String));
    }
    expect(seen.sort()).toEqual([...A, ...B].sort());
  });

  it("filters by status, subscription and failing check", async () => {
    const ids = async (q: string) => ((await answer(await list(q))).body["items"] as { id: string }[]).map((x) => x.id).sort();
    expect(await ids("?status=non_compliant")).toEqual(A.slice(0, 2).sort());
    expect(await ids(`?subscription=${SUB_B}`)).toEqual(B.sort());
    expect(await ids("?check=aksbk-022")).toEqual(A.slice(0, 2).sort());
    expect(await ids(`?status=unknown&subscription=${SUB_B}`)).toEqual(B.sort());
    const one = (await answer(await list("?check=AKSBK-022"))).body["items"] as { failing: string[]; href: string }[];
    expect(one[0]).toMatchObject({ failing: ["AKSBK-022"], href: expect.stringMatching(/^\/api\/clusters\/aaaaaaaa-.*\/rg-a\/aks-a[01]$/) as string });
  });

  it.each([
    ["?status=broken", /\/query\/status/],
    ["?subscription=prod", /\/query\/subscription/],
    ["?check=AKSBK-999", /\/query\/check: must be a check id/],
    ["?pageSize=0", /\/query\/pageSize/],
    ["?pageSize=5000", /\/query\/pageSize/],
    ["?state=compliant", /state/],
  ])("answers 400 problem details for %s", async (q, detail) => {
    const a = await answer(await list(q));
    expectProblem(a, 400);
    expect(String(a.body["detail"])).toMatch(detail);
  });

  it("a cluster's latest verdict has evidence, remediation fields and since-when; unknown clusters are 404; bad paths 400", async () => {
    const h = createGetClusterHandler({ store: async () => store });
    const get = (sub: string, rg: string, name: string) => h(req("GET", `/clusters/${sub}/${rg}/${name}`, { params: { subscriptionId: sub, resourceGroup: rg, name } }), context(GET_CLUSTER_FUNCTION));
    const ok = await answer(await get(SUB_A, "RG-A", "aks-a0"));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: A[0], status: "non_compliant", observedAt: "2026-11-23T06:00:00.000Z" });
    expect((ok.body["checks"] as { id: string; evidence: string; since: string }[]).find((c) => c.id === "AKSBK-022")).toMatchObject({ status: "fail", evidence: "evidence of AKSBK-022", since: "2026-11-23T06:00:00.000Z" });
    expectProblem(await answer(await get(SUB_A, "rg-a", "aks-zz")), 404);
    expectProblem(await answer(await get("not-a-guid", "rg-a", "aks-a0")), 400);
    expectProblem(await answer(await get(SUB_A, "rg-a", "-bad-")), 400);
  });
});
