import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type Io } from "../../src/cli/main.js";
import { auditSnapshots } from "../../src/index.js";
import { SNAPSHOT_SCHEMA, SnapshotError, mergeSnapshots, parseSnapshotDocument, readSnapshotFile, readSnapshots } from "../../src/inventory/snapshot.js";
import { Fleet, INDEXED_TYPES } from "../../src/model/fleet.js";
import type { JsonObject } from "../../src/model/props.js";
import { CLUSTER_ID, ROLE_GUID, SUB, SUB2, VAULT_PRINCIPAL, assignment, backupInstance, cluster, compliantFleet, provider, vault } from "../checks/harness.js";

const dir = mkdtempSync(join(tmpdir(), "aksbk-snapshot-"));
let n = 0;
/** Write a temp file (JSON unless a string is given) and return its path. */
function file(content: unknown, name = `s${++n}.json`): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}
const envelope = (resources: unknown[], extra: Record<string, unknown> = {}) => ({ schema: SNAPSHOT_SCHEMA, resources, ...extra });
const ids = (rs: readonly JsonObject[]) => rs.map((r) => String(r["id"]));

/** The REST answer bodies of Microsoft's Resource Graph examples. */
const graphExample = (name: string): JsonObject => {
  const doc = JSON.parse(readFileSync(new URL(`../../../shared/azure-examples/resourcegraph/${name}`, import.meta.url), "utf8")) as {
    responses: { "200": { body: JsonObject } };
  };
  return doc.responses["200"].body;
};

async function rejects(path: string): Promise<SnapshotError> {
  try {
    await readSnapshots([path]);
  } catch (e) {
    expect(e).toBeInstanceOf(SnapshotError);
    return e as SnapshotError;
  }
  throw new Error(`${path} was accepted`);
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = { stdout: { write: (s: string) => out.push(s), isTTY: false }, stderr: { write: (s: string) => err.push(s) }, env: {} };
  return { io: value, out: () => out.join(""), err: () => err.join("") };
}

describe("the three input shapes", () => {
  it("a snapshot envelope: resources, collectedAt, scope, collected, errors", async () => {
    const p = file(
      envelope([cluster(), vault()], {
        collectedAt: "2026-11-23T06:00:00Z",
        scope: { subscriptions: [SUB], managementGroups: ["mg-landing"] },
        collected: ["backupVaults", "roleAssignments"],
        errors: [{ kind: "roleAssignments", subscriptionId: SUB, message: "AuthorizationFailed" }],
      }),
    );
    const s = await readSnapshots([p]);
    expect(ids(s.resources)).toEqual([CLUSTER_ID, String(vault()["id"])]);
    expect(s.collectedAt?.toISOString()).toBe("2026-11-23T06:00:00.000Z");
    expect(s.scope).toEqual({ subscriptions: [SUB], managementGroups: ["mg-landing"] });
    expect([...s.collected].sort()).toEqual(["backupVaults", "roleAssignments"]);
    expect(s.errors).toEqual([{ kind: "roleAssignments", subscriptionId: SUB, message: "AuthorizationFailed" }]);
    expect(s.files).toEqual([p]);
    expect(s.warnings).toEqual([]);
  });

  it("an envelope with only resources (every other field is optional)", async () => {
    const s = await readSnapshots([file({ resources: [cluster()] })]);
    expect(ids(s.resources)).toEqual([CLUSTER_ID]);
    expect(s.collectedAt).toBeUndefined();
    expect(s.errors).toEqual([]);
  });

  it("a bare JSON array of resources", async () => {
    const s = await readSnapshots([file([cluster(), vault(), provider()])]);
    expect(s.resources).toHaveLength(3);
    expect(s.collectedAt).toBeUndefined();
    // No `collected` field: the kinds present count as collected (a provider registration has no type).
    expect([...s.collected].sort()).toEqual(["backupVaults", "providers"]);
  });

  it("`az graph query -o json` output ({count, data, skip_token: null})", async () => {
    const s = await readSnapshots([file({ count: 2, data: [cluster(), vault()], skip_token: null })]);
    expect(ids(s.resources)).toEqual([CLUSTER_ID, String(vault()["id"])]);
    expect(s.warnings).toEqual([]);
  });

  it("`az graph query` output with a skip_token: accepted, with a warning that more rows exist", async () => {
    const p = file({ count: 1, data: [cluster()], skip_token: "ew0KICAiJGlkIjogIjEiLA0K" });
    const s = await readSnapshots([p]);
    expect(s.resources).toHaveLength(1);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toContain(p);
    expect(s.warnings[0]).toContain("skip token");
  });

  it("the REST answer of Resource Graph (Microsoft's ResourcesBasicQuery example): every row kept, kinds present counted", async () => {
    const body = graphExample("ResourcesBasicQuery.json");
    const s = await readSnapshots([file(body)]);
    expect(s.resources).toHaveLength(3);
    expect(ids(s.resources)[1]).toBe("/subscriptions/cfbbd179-59d2-4052-aa06-9270a38aa9d6/resourceGroups/RG2/providers/Microsoft.Network/virtualNetworks/myVnet");
    expect([...s.collected]).toEqual(["virtualNetworks"]); // microsoft.network/virtualnetworks, lower-cased type
    expect(s.warnings).toEqual([]);
  });

  it("the REST answer with a $skipToken (Microsoft's first- and next-page examples): both pages merge, each warns", async () => {
    const first = file(graphExample("ResourcesFirstPageQuery.json"));
    const next = file(graphExample("ResourcesNextPageQuery.json"));
    const s = await readSnapshots([first, next]);
    expect(s.resources).toHaveLength(6);
    expect(s.warnings.filter((w) => w.includes("skip token"))).toHaveLength(2);
    expect(s.warnings[0]).toContain(first);
    expect(s.warnings[1]).toContain(next);
  });

  it("objects of types no check reads are ignored by the audit (not rejected)", async () => {
    const s = await readSnapshots([file(graphExample("ResourcesFirstPageQuery.json"))], { onlyTypes: INDEXED_TYPES });
    expect(s.resources).toEqual([]);
    expect(s.collected.size).toBe(0);
  });

  it("a snapshot with no AKS cluster is valid", async () => {
    const { report } = await auditSnapshots({ snapshotPaths: [file([])], now: new Date("2026-11-23T06:00:00Z") });
    expect(report.clusters).toEqual([]);
    expect(report.notes?.[0]).toContain("no AKS cluster");
  });
});

describe("merging several files", () => {
  it("removes duplicates by id case-insensitively (trailing slash too); the later file's copy wins", async () => {
    const a = file([cluster({ location: "westeurope" }), vault()]);
    const b = file([cluster({ id: `${CLUSTER_ID.toLowerCase()}/`, location: "northeurope" })]);
    const s = await readSnapshots([a, b]);
    expect(s.resources).toHaveLength(2);
    const clusters = s.resources.filter((r) => String(r["type"]).toLowerCase() === "microsoft.containerservice/managedclusters");
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.["location"]).toBe("northeurope");
    expect(s.files).toEqual([a, b]);
  });

  it("removes duplicates within one file too", async () => {
    const s = await readSnapshots([file([vault(), vault({ id: String(vault()["id"]).toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/") })])]);
    expect(s.resources).toHaveLength(1);
  });

  it("collectedAt is the latest that any file states; a file stating none does not reset it", async () => {
    const s = await readSnapshots([
      file(envelope([], { collectedAt: "2026-11-22T06:00:00Z" })),
      file(envelope([], { collectedAt: "2026-11-23T07:30:00+01:00" })),
      file(envelope([], { collectedAt: "2026-11-21T06:00:00Z" })),
      file([]),
    ]);
    expect(s.collectedAt?.toISOString()).toBe("2026-11-23T06:30:00.000Z");
  });

  it("errors and scopes are unions", async () => {
    const s = await readSnapshots([
      file(envelope([], { errors: [{ kind: "roleAssignments", subscriptionId: SUB, message: "a" }], scope: { subscriptions: [SUB] } })),
      file(envelope([], { errors: [{ kind: "backupJobs", message: "b" }], scope: { subscriptions: [SUB, SUB2] } })),
    ]);
    expect(s.errors.map((e) => e.message)).toEqual(["a", "b"]);
    expect(s.scope.subscriptions.sort()).toEqual([SUB, SUB2].sort());
  });
});

describe("collected kinds (checks.md)", () => {
  it("a declared `collected` list is what counts, not what the file holds", async () => {
    const s = await readSnapshots([file(envelope([vault(), backupInstance()], { collected: ["roleAssignments"] }))]);
    expect([...s.collected]).toEqual(["roleAssignments"]);
  });

  it("an empty declared list means nothing was collected", async () => {
    const s = await readSnapshots([file(envelope([vault()], { collected: [] }))]);
    expect(s.collected.size).toBe(0);
  });

  it("without the field, a kind counts when at least one object of it is present (any type casing)", async () => {
    const s = await readSnapshots([file(envelope([cluster(), vault({ type: "MICROSOFT.DATAPROTECTION/BACKUPVAULTS" }), assignment(VAULT_PRINCIPAL, ROLE_GUID.reader, CLUSTER_ID)]))]);
    expect([...s.collected].sort()).toEqual(["backupVaults", "roleAssignments"]);
  });

  it("merged files: the union of declared and present kinds", async () => {
    const s = await readSnapshots([file(envelope([], { collected: ["roleAssignments", "roleDefinitions"] })), file([vault()]), file(envelope([backupInstance()], { collected: ["backupJobs"] }))]);
    expect([...s.collected].sort()).toEqual(["backupJobs", "backupVaults", "roleAssignments", "roleDefinitions"]);
  });

  it("kind names are matched case-insensitively; unknown ones are ignored with a warning naming the file", async () => {
    const p = file(envelope([], { collected: ["RoleAssignments", "virtualMachines"] }));
    const s = await readSnapshots([p]);
    expect([...s.collected]).toEqual(["roleAssignments"]);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toContain(p);
    expect(s.warnings[0]).toContain('"virtualMachines"');
  });

  it("a kind not collected makes the checks that need it unknown", async () => {
    const p = file(envelope(compliantFleet(), { collectedAt: "2026-11-23T06:00:00Z", collected: ["extensions", "trustedAccessRoleBindings", "backupVaults", "backupInstances", "backupJobs", "providers", "storageAccounts"] }));
    const { report } = await auditSnapshots({ snapshotPaths: [p] });
    const checks = report.clusters[0]?.checks ?? [];
    const status = (id: string) => checks.find((c) => c.id === id)?.status;
    expect(status("AKSBK-022")).toBe("unknown"); // roleAssignments not declared, though present
    expect(checks.find((c) => c.id === "AKSBK-022")?.evidence).toContain("role assignments were not collected");
    expect(status("AKSBK-030")).toBe("pass");
    expect(status("AKSBK-031")).toBe("pass");
  });
});

describe("collection errors", () => {
  it("an error for the cluster's subscription makes the role checks unknown, quoting it; other checks are unaffected", async () => {
    const p = file(
      envelope(compliantFleet(), {
        collectedAt: "2026-11-23T06:00:00Z",
        errors: [{ kind: "roleAssignments", subscriptionId: SUB, message: "AuthorizationFailed: the client has no Microsoft.Authorization/roleAssignments/read" }],
      }),
    );
    const { report } = await auditSnapshots({ snapshotPaths: [p] });
    const checks = report.clusters[0]?.checks ?? [];
    for (const id of ["AKSBK-022", "AKSBK-023", "AKSBK-024", "AKSBK-025", "AKSBK-026", "AKSBK-027", "AKSBK-028"]) {
      const c = checks.find((x) => x.id === id);
      expect(c?.status, id).toBe("unknown");
      expect(c?.evidence, id).toContain("AuthorizationFailed");
    }
    expect(checks.find((c) => c.id === "AKSBK-030")?.status).toBe("pass");
    expect(report.clusters[0]?.status).toBe("unknown");
    expect(report.collection?.errors).toHaveLength(1);
  });

  it("an error for another subscription does not touch this cluster", async () => {
    const p = file(envelope(compliantFleet(), { collectedAt: "2026-11-23T06:00:00Z", errors: [{ kind: "roleAssignments", subscriptionId: SUB2, message: "AuthorizationFailed" }] }));
    const { report } = await auditSnapshots({ snapshotPaths: [p] });
    expect(report.clusters[0]?.status).toBe("compliant");
  });

  it("an error without a subscription applies everywhere", async () => {
    const p = file(envelope(compliantFleet(), { collectedAt: "2026-11-23T06:00:00Z", errors: [{ kind: "backupJobs", message: "Resource Graph unavailable" }] }));
    const { report } = await auditSnapshots({ snapshotPaths: [p] });
    const c = report.clusters[0]?.checks.find((x) => x.id === "AKSBK-031");
    expect(c?.status).toBe("unknown");
    expect(c?.evidence).toContain("Resource Graph unavailable");
  });

  it("the merged input feeds the fleet: collectedAt is its reference time", async () => {
    const s = await readSnapshots([file(envelope([], { collectedAt: "2026-11-23T06:00:00Z" })), file(envelope([], { collectedAt: "2026-11-24T06:00:00Z" }))]);
    expect(new Fleet(s, new Date("2030-01-01T00:00:00Z")).referenceTime.toISOString()).toBe("2026-11-24T06:00:00.000Z");
    const none = await readSnapshots([file([])]);
    expect(new Fleet(none, new Date("2030-01-01T00:00:00Z")).referenceTime.toISOString()).toBe("2030-01-01T00:00:00.000Z");
  });
});

describe("rejected input (exit code 2, a message naming the file and the first bad element)", () => {
  const good = cluster();
  it.each([
    ["not JSON", "{oops", /not valid JSON/],
    ["empty file", "", /not valid JSON/],
    ["an object without a resource array", { count: 1 }, /no resource array/],
    ["a JSON string", '"resources"', /no resource array/],
    ["a JSON number", "42", /no resource array/],
    ["null", "null", /no resource array/],
    ["resources that is not an array", { resources: { id: "/x" } }, /resources/],
    ["Resource Graph data that is not an array", { count: 1, data: { id: "/x" } }, /Resource Graph answer: data/],
    ["an unsupported schema string", { schema: "aks-backup-auditor/snapshot@2", resources: [] }, /unsupported schema "aks-backup-auditor\/snapshot@2"/],
    ["a collectedAt that is not an ISO time", { collectedAt: "yesterday", resources: [] }, /collectedAt/],
    ["an error entry without a kind", { errors: [{ message: "x" }], resources: [] }, /errors/],
  ])("%s", async (_name, content, message) => {
    const p = file(content);
    const e = await rejects(p);
    expect(e.message.startsWith(`${p}: `)).toBe(true);
    expect(e.message).toMatch(message);
    expect(e.index).toBeUndefined();
  });

  it.each([
    ["a number", 42, /resources\[3\]: expected an object, got number/],
    ["a string", "/subscriptions/x", /resources\[3\]: expected an object, got string/],
    ["null", null, /resources\[3\]: expected an object, got null/],
    ["an array", [good], /resources\[3\]: expected an object, got an array/],
    ["an object without id", { name: "aks-2", type: "Microsoft.ContainerService/managedClusters" }, /resources\[3\]: id/],
    ["an object whose id is a number", { id: 12345 }, /resources\[3\]: id/],
    ["an object whose id is null", { id: null }, /resources\[3\]: id/],
    ["an object whose id is empty", { id: "" }, /resources\[3\]: id/],
  ])("element 3 is %s", async (_name, bad, message) => {
    for (const wrap of [(items: unknown[]) => envelope(items), (items: unknown[]) => items, (items: unknown[]) => ({ count: items.length, data: items, skip_token: null })]) {
      const p = file(wrap([good, vault(), provider(), bad, { also: "bad" }]));
      const e = await rejects(p);
      expect(e.message).toMatch(message);
      expect(e.message.startsWith(`${p}: resources[3]: `)).toBe(true);
      expect(e.index).toBe(3);
      expect(e.file).toBe(p);
    }
  });

  it("a file that does not exist", async () => {
    const p = join(dir, "does-not-exist.json");
    const e = await rejects(p);
    expect(e.message).toBe(`${p}: file not found`);
  });

  it("the first bad file stops the merge", async () => {
    const bad = file("[1]");
    await expect(readSnapshots([file([good]), bad])).rejects.toThrow(`${bad}: resources[0]`);
  });

  it("parseSnapshotDocument and readSnapshotFile agree", async () => {
    const p = file([good]);
    expect((await readSnapshotFile(p)).resources).toEqual(parseSnapshotDocument([good], p).resources);
    expect(() => parseSnapshotDocument([good, 7], "inline.json")).toThrow("inline.json: resources[1]: expected an object, got number");
  });

  it("mergeSnapshots of nothing is an empty input", () => {
    const m = mergeSnapshots([]);
    expect(m.resources).toEqual([]);
    expect(m.collected.size).toBe(0);
    expect(m.collectedAt).toBeUndefined();
  });

  it.each([
    ["an element without an id", () => file(envelope([good, vault(), provider(), { name: "x" }])), /resources\[3\]/],
    ["a file that is not JSON", () => file("{oops"), /not valid JSON/],
    ["a missing file", () => join(dir, "missing.json"), /missing\.json: file not found/],
    ["an unsupported schema", () => file({ schema: "other/snapshot@1", resources: [] }), /unsupported schema/],
  ])("the CLI exits 2 for %s, with the message on stderr and nothing on stdout", async (_name, make, message) => {
    const t = io();
    const p = make();
    expect(await main(["audit", "--snapshot", p, "--store", "none"], t.io)).toBe(2);
    expect(t.out()).toBe("");
    expect(t.err()).toMatch(message);
    expect(t.err()).toContain(p);
  });
});
