/**
 * The app as the Functions host would load it: settings validated at start-up, host.json, the sample
 * settings file, package.json's entry point, and the composition root registering every function
 * under its file's name with the right trigger (the host itself cannot run here).
 */
import { readdirSync, readFileSync } from "node:fs";
import type { EventGridFunctionOptions, FunctionInput, HttpFunctionOptions, InvocationContext, TimerFunctionOptions } from "@azure/functions";
import type { ActivityOptions, OrchestrationHandler } from "durable-functions";
import { describe, expect, inject, it } from "vitest";
import { FUNCTIONS_SETTING_NAMES, loadDigestSettings, loadFunctionsSettings, SETTING_NAMES, SettingsError } from "../../src/config/settings.js";
import { createDependencies } from "../../src/functions/dependencies.js";
import { registerFunctions, type Registrar } from "../../src/functions/register.js";
import { ScrubbedError } from "../../src/functions/shared/log.js";
import { context, FakeDurableClient, SUB_1 } from "./support.js";

const root = new URL("../../", import.meta.url);
const readJson = (p: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(p, root), "utf8")) as Record<string, unknown>;

const MINIMAL = {
  [SETTING_NAMES.tablesEndpoint]: "https://acct.table.core.windows.net",
  [FUNCTIONS_SETTING_NAMES.blobEndpoint]: "https://acct.blob.core.windows.net",
  [FUNCTIONS_SETTING_NAMES.subscriptions]: `${SUB_1}, 22222222-2222-2222-2222-222222222222`,
};

function problems(env: Record<string, string>): string {
  try {
    loadFunctionsSettings(env);
    return "";
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as Error).message;
  }
}

describe("settings at start-up", () => {
  it("has defaults for everything but where to store and what to audit", () => {
    const s = loadFunctionsSettings(MINIMAL);
    expect(s).toMatchObject({ subscriptions: [SUB_1, "22222222-2222-2222-2222-222222222222"], managementGroups: [], auditSchedule: "0 0 5 * * *", debounceSeconds: 120, chunkSize: 300, collectBatch: 50, targetedLimit: 50, tablePrefix: "aksbackup", cloud: "public" });
  });

  it("names every missing setting, one line each", () => {
    const msg = problems({});
    expect(msg.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(3);
    expect(msg).toMatch(/AKS_BACKUP_AUDITOR_TABLES_ENDPOINT \(or AKS_BACKUP_AUDITOR_TABLES_CONNECTION_STRING\): one is required/);
    expect(msg).toMatch(/AKS_BACKUP_AUDITOR_BLOB_ENDPOINT \(or AKS_BACKUP_AUDITOR_BLOB_CONNECTION_STRING\): one is required/);
    expect(msg).toMatch(/AKS_BACKUP_AUDITOR_SUBSCRIPTIONS \(or AKS_BACKUP_AUDITOR_MANAGEMENT_GROUPS\): one is required/);
  });

  it.each([
    [FUNCTIONS_SETTING_NAMES.subscriptions, "prod-subscription", /must be subscription ids/],
    [FUNCTIONS_SETTING_NAMES.managementGroups, "mg/one", /must be management group ids/],
    [FUNCTIONS_SETTING_NAMES.auditSchedule, "0 5 * * *", /NCRONTAB/],
    [FUNCTIONS_SETTING_NAMES.auditSchedule, "0 0 25 * * *", /hour/],
    [FUNCTIONS_SETTING_NAMES.debounceSeconds, "2m", /whole number from 1 to 3600/],
    [FUNCTIONS_SETTING_NAMES.chunkSize, "10", /whole number from 50 to 1000/],
    [FUNCTIONS_SETTING_NAMES.collectBatch, "0", /whole number from 1 to 1000/],
    [FUNCTIONS_SETTING_NAMES.collectBatch, "1001", /whole number from 1 to 1000/],
    [FUNCTIONS_SETTING_NAMES.targetedLimit, "0", /whole number from 1 to 1000/],
    [FUNCTIONS_SETTING_NAMES.blobEndpoint, "acct.blob.core.windows.net", /http\(s\) URL/],
    [FUNCTIONS_SETTING_NAMES.blobConnectionString, "s3cr3t-Value", /must be a storage connection string/],
    [SETTING_NAMES.cloud, "mars", /"public", "china" or "usgov"/],
  ])("rejects %s=%j with a message naming it", (name, value, why) => {
    const msg = problems({ ...MINIMAL, [name]: value });
    expect(msg).toContain(`setting ${name}:`);
    expect(msg).toMatch(why);
    expect(msg).not.toContain("s3cr3t-Value");
  });

  it("gives one message per bad setting when several are wrong", () => {
    const msg = problems({ ...MINIMAL, [FUNCTIONS_SETTING_NAMES.chunkSize]: "x", [FUNCTIONS_SETTING_NAMES.debounceSeconds]: "-1", [SETTING_NAMES.cloud]: "mars" });
    expect(msg.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(3);
  });

  it("refuses subscriptions and management groups together", () => {
    expect(problems({ ...MINIMAL, [FUNCTIONS_SETTING_NAMES.managementGroups]: "mg-platform" })).toMatch(/not both/);
  });

  it("local.settings.sample.json lists every setting, with sample values that validate, and no secret", () => {
    const sample = readJson("local.settings.sample.json");
    const values = sample["Values"] as Record<string, string>;
    for (const name of [...Object.values(SETTING_NAMES), ...Object.values(FUNCTIONS_SETTING_NAMES)]) expect(Object.keys(values), name).toContain(name);
    expect(values["FUNCTIONS_WORKER_RUNTIME"]).toBe("node");
    expect(() => loadFunctionsSettings(values)).not.toThrow();
    expect(JSON.stringify(sample)).not.toMatch(/AccountKey|SharedAccess|sig=|password|secret/i);
  });
});

describe("host.json and the entry point", () => {
  it("uses extension bundle 4.x, a named task hub and bounded concurrency", () => {
    const host = readJson("host.json");
    expect(host["version"]).toBe("2.0");
    expect(host["extensionBundle"]).toEqual({ id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" });
    const dt = (host["extensions"] as Record<string, Record<string, unknown>>)["durableTask"] ?? {};
    expect(dt["hubName"]).toMatch(/^[A-Za-z][A-Za-z0-9]{2,49}$/);
    expect(dt["maxConcurrentActivityFunctions"]).toBeGreaterThan(0);
    expect(dt["maxConcurrentOrchestratorFunctions"]).toBeGreaterThan(0);
    // Starting over a running singleton must fail rather than replace it.
    expect(dt["overridableExistingInstanceStates"]).toBe("NonRunningStates");
  });

  it("package.json main is the built composition root", () => {
    expect(readJson("package.json")["main"]).toBe("dist/functions/index.js");
    const build = readJson("tsconfig.build.json") as { compilerOptions: { rootDir: string; outDir: string } };
    expect(`${build.compilerOptions.outDir}/functions/index.js`.replace(/^\.\//, "")).toBe("dist/functions/index.js");
    expect(build.compilerOptions.rootDir).toBe("src");
  });
});

describe("the composition root", () => {
  function record() {
    const seen: { kind: string; name: string; options: unknown }[] = [];
    const durableClientInput: FunctionInput = { type: "durableClient", name: "starter" };
    const r: Registrar = {
      http: (name, options: HttpFunctionOptions) => seen.push({ kind: "http", name, options }),
      timer: (name, options: TimerFunctionOptions) => seen.push({ kind: "timer", name, options }),
      eventGrid: (name, options: EventGridFunctionOptions) => seen.push({ kind: "eventGrid", name, options }),
      orchestration: (name, handler: OrchestrationHandler) => seen.push({ kind: "orchestration", name, options: handler }),
      activity: (name, options: ActivityOptions) => seen.push({ kind: "activity", name, options }),
      durableClientInput,
      getClient: () => new FakeDurableClient(),
    };
    const settings = loadFunctionsSettings({ ...MINIMAL, [FUNCTIONS_SETTING_NAMES.auditSchedule]: "0 30 4 * * 1-5" });
    const digestSettings = loadDigestSettings({ AKS_BACKUP_AUDITOR_DIGEST_SCHEDULE: "0 0 6 * * 1" });
    const sender = { describe: "test", probeHorizonMs: 0, send: async () => ({ kind: "sent" as const, messageId: "m" }), probe: async () => ({ kind: "not_found" as const }) };
    registerFunctions(r, { ...createDependencies(settings), digest: { settings: digestSettings, sender } });
    return { seen, durableClientInput };
  }

  it("registers every function with its trigger; HTTP functions need a function key", () => {
    const { seen, durableClientInput } = record();
    const by = (n: string) => seen.find((s) => s.name === n);
    expect(seen.map((s) => `${s.kind}:${s.name}`).sort()).toEqual(
      [
        "activity:auditChunk",
        "activity:auditCluster",
        "activity:collectInventory",
        "activity:finishRun",
        "eventGrid:resourceEvents",
        "http:getAudit",
        "http:getCluster",
        "http:listClusters",
        "http:startAudit",
        "orchestration:auditChunkOrchestrator",
        "orchestration:clusterReauditOrchestrator",
        "orchestration:collectInventoryOrchestrator",
        "orchestration:fleetAuditOrchestrator",
        "timer:scheduledAudit",
        "timer:digestTimer",
      ].sort(),
    );
    expect((by("scheduledAudit")?.options as TimerFunctionOptions).schedule).toBe("0 30 4 * * 1-5");
    expect((by("digestTimer")?.options as TimerFunctionOptions).schedule).toBe("0 0 6 * * 1");
    expect((by("digestTimer")?.options as TimerFunctionOptions).retry).toMatchObject({ strategy: "exponentialBackoff" });
    const routes = seen.filter((s) => s.kind === "http").map((s) => s.options as HttpFunctionOptions);
    expect(routes.map((o) => `${o.methods?.join(",")} ${o.route} ${o.authLevel}`).sort()).toEqual(
      ["GET audits/{id} function", "GET clusters function", "GET clusters/{subscriptionId}/{resourceGroup}/{name} function", "POST audits function"].sort(),
    );
    for (const n of ["scheduledAudit", "resourceEvents", "startAudit", "getAudit"]) expect((by(n)?.options as { extraInputs?: unknown[] }).extraInputs, n).toContain(durableClientInput);
  });

  it("every function file is registered under its own name (one function per file)", () => {
    const { seen } = record();
    const files = readdirSync(new URL("src/functions/", root))
      .filter((f) => f.endsWith(".ts") && !["index.ts", "register.ts", "dependencies.ts"].includes(f))
      .map((f) => f.replace(/\.ts$/, ""));
    expect(files.sort()).toEqual(seen.map((s) => s.name).sort());
  });

  it("registered triggers and activities rethrow failures with credentials scrubbed (the host logs what they throw)", async () => {
    const { seen } = record();
    const handler = (seen.find((s) => s.name === "collectInventory")?.options as ActivityOptions).handler as (i: unknown, c: InvocationContext) => Promise<unknown>;
    // No Azure here: a bad input is the failure at hand; what matters is that it arrives wrapped.
    await expect(handler({ runId: "", scope: 1 }, context("collectInventory"))).rejects.toBeInstanceOf(ScrubbedError);
    const events = (seen.find((s) => s.name === "resourceEvents")?.options as EventGridFunctionOptions).handler as (e: unknown, c: InvocationContext) => Promise<unknown>;
    // A malformed event is still never thrown.
    await expect(events({ nonsense: true }, context("resourceEvents"))).resolves.toEqual({ kind: "malformed" });
  });

  it("builds its dependencies from connection strings: the store and the snapshot blobs work on Azurite", async () => {
    const settings = loadFunctionsSettings({
      [SETTING_NAMES.tablesConnectionString]: inject("tablesConnectionString"),
      [SETTING_NAMES.tablePrefix]: `deps${Date.now()}`,
      [FUNCTIONS_SETTING_NAMES.blobConnectionString]: inject("blobConnectionString"),
      [FUNCTIONS_SETTING_NAMES.subscriptions]: SUB_1,
    });
    const deps = createDependencies(settings);
    const store = await deps.store();
    expect(await store.firstDelivery("deps-check")).toBe(true);
    expect(await deps.store()).toBe(store);
    await deps.snapshots.put("runs/deps/snapshot.json", '{"resources":[]}');
    expect(await deps.snapshots.get("runs/deps/snapshot.json")).toBe('{"resources":[]}');
  });
});
