/**
 * Infra and code, held together (the Bicep CLI cannot run here, so the Bicep is read as text):
 * - every setting the code reads is set on the Function App, or deliberately not (with the reason), and
 *   every app setting in the Bicep is read by the code or by the Functions host;
 * - no app setting carries a secret, a key or a connection string; nothing lists keys;
 * - the Event Grid subscription's event types and operation-name filter are exactly what the handler acts on;
 * - every role is a real built-in role (or the documented custom email-sender role), none broader than needed,
 *   each assigned at the narrowest scope;
 * - the azd wiring (azure.yaml, parameters, hooks, outputs) matches the app (language, runtime, routes).
 * The code side is read from the modules at test time, so a new setting, event type or table fails here
 * until the infra follows.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as settingsModule from "../../src/config/settings.js";
import { EVENT_OPERATION_NAMES, EVENT_TYPES } from "../../src/functions/shared/events.js";
import { RESOURCE_EVENTS_FUNCTION } from "../../src/functions/resourceEvents.js";
import { SNAPSHOT_CONTAINER } from "../../src/functions/shared/snapshots.js";
import { BUILTIN_ROLES } from "../../src/model/builtin-roles.js";
import { TABLES } from "../../src/store/results-store.js";
import { blockAfter, entries, mask, params, resources, stringArrayVar, stringLiterals, type Masked } from "./bicep-text.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const INFRA = join(ROOT, "infra");
const read = (rel: string) => readFileSync(join(ROOT, rel), "utf8");
const bicep = (rel: string): Masked => mask(read(rel));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}
const infraFiles = filesUnder(INFRA);
const bicepFiles = infraFiles.filter((f) => f.endsWith(".bicep"));

// ---- settings --------------------------------------------------------------------------------------

/** Every setting name the code reads: the values of each exported `*SETTING_NAMES` object of the settings module. */
function codeSettings(): Set<string> {
  const names = new Set<string>();
  for (const [exportName, value] of Object.entries(settingsModule)) {
    if (!exportName.endsWith("SETTING_NAMES") || typeof value !== "object" || value === null) continue;
    for (const v of Object.values(value)) if (typeof v === "string") names.add(v);
  }
  return names;
}

/** Settings the host (not the app) reads; each of these is required for this app to start. */
const HOST_SETTINGS: Record<string, string> = {
  AzureWebJobsStorage__accountName: "host storage (and Durable Functions) by account name, with the app's identity",
  AzureWebJobsStorage__credential: "managedidentity: host storage with the app's identity",
  APPLICATIONINSIGHTS_CONNECTION_STRING: "where the host sends telemetry (an address: local auth is off on the component)",
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD: the host authenticates ingestion with the app's identity",
};

/** Settings the code reads that the deployment deliberately leaves unset. */
const DELIBERATELY_UNSET: Record<string, string> = {
  AKS_BACKUP_AUDITOR_TABLES_CONNECTION_STRING: "a secret: the app reaches the tables by endpoint with its identity",
  AKS_BACKUP_AUDITOR_BLOB_CONNECTION_STRING: "a secret: the app reaches the snapshots by endpoint with its identity",
  AKS_BACKUP_AUDITOR_EMAIL_CONNECTION_STRING: "holds the Communication Services access key: the app sends with its identity",
  AKS_BACKUP_AUDITOR_ARM_ENDPOINT: "an override for a test server or a custom cloud: AKS_BACKUP_AUDITOR_CLOUD picks the Azure cloud",
  AKS_BACKUP_AUDITOR_ARM_AUDIENCE: "an override for a test server or a custom cloud: AKS_BACKUP_AUDITOR_CLOUD picks the Azure cloud",
  AKS_BACKUP_AUDITOR_DIGEST_OUTBOX_DIR: "only used without an email endpoint (local runs): the deployed app sends through Communication Services",
};

/** App settings the Flex Consumption plan no longer accepts (the runtime is in functionAppConfig) or that would mean keys. */
const NOT_ON_FLEX = [
  "FUNCTIONS_EXTENSION_VERSION",
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_WORKER_RUNTIME_VERSION",
  "WEBSITE_NODE_DEFAULT_VERSION",
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_CONTENTSHARE",
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "SCM_DO_BUILD_DURING_DEPLOYMENT",
  "AzureWebJobsStorage",
  "APPINSIGHTS_INSTRUMENTATIONKEY",
];

const api = bicep("infra/app/api.bicep");
const appSettingsBody = resources(api).find((r) => r.symbol === "appSettings" && r.type === "Microsoft.Web/sites/config")?.body ?? "{}";
const appSettings = entries(blockAfter(mask(appSettingsBody), /^\s*properties:\s*/m));
const siteBody = resources(api).find((r) => r.type === "Microsoft.Web/sites")?.body ?? "";

describe("app settings: infra/app/api.bicep against src/config/settings.ts", () => {
  const code = codeSettings();

  it("reads the settings from the code and the app settings from the Bicep", () => {
    expect(code.size).toBeGreaterThan(20);
    expect(appSettings.size).toBeGreaterThan(20);
  });

  it("sets every setting the code reads (or names why not)", () => {
    const missing = [...code].filter((s) => !appSettings.has(s) && !(s in DELIBERATELY_UNSET)).sort();
    expect(missing, "add them to the appsettings of infra/app/api.bicep (or to DELIBERATELY_UNSET with the reason)").toEqual([]);
  });

  it("sets nothing the code or the host does not read", () => {
    const unread = [...appSettings.keys()].filter((s) => !code.has(s) && !(s in HOST_SETTINGS)).sort();
    expect(unread).toEqual([]);
  });

  it("keeps the deliberately-unset list honest: read by the code, and not set", () => {
    for (const s of Object.keys(DELIBERATELY_UNSET)) {
      expect(code.has(s), `${s} is no longer read by the code`).toBe(true);
      expect(appSettings.has(s), `${s} is set although listed as deliberately unset`).toBe(false);
    }
  });

  it("sets what the host needs for identity-based storage and Entra ID telemetry", () => {
    for (const s of Object.keys(HOST_SETTINGS)) expect(appSettings.has(s), s).toBe(true);
    expect(appSettings.get("AzureWebJobsStorage__credential")).toBe("'managedidentity'");
    expect(appSettings.get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")).toBe("'Authorization=AAD'");
    expect(appSettings.get("APPLICATIONINSIGHTS_CONNECTION_STRING")).toBe("applicationInsights.properties.ConnectionString");
    const monitoring = read("infra/app/monitoring.bicep");
    expect(monitoring).toMatch(/DisableLocalAuth:\s*true/);
  });

  it("sets none of the settings the Flex Consumption plan rejects", () => {
    expect(NOT_ON_FLEX.filter((s) => appSettings.has(s))).toEqual([]);
  });

  it("holds no secret, key or connection string", () => {
    for (const [name, value] of appSettings) {
      if (name === "APPLICATIONINSIGHTS_CONNECTION_STRING") continue;
      expect(name, "a setting named like a secret").not.toMatch(/CONNECTION_?STRING|KEY|SECRET|PASSWORD|(^|_)SAS(_|$)|TOKEN/i);
      expect(value, `${name} = ${value}`).not.toMatch(/listKeys|listkeys|AccountKey|SharedAccess|accesskey|secret|password|primaryKey|secondaryKey|\.keys\b|connectionString|InstrumentationKey/i);
    }
    for (const f of infraFiles) {
      const text = readFileSync(f, "utf8");
      expect(text, f).not.toMatch(/list[Kk]eys\s*\(|AccountKey=|SharedAccessSignature=|accesskey=/);
    }
  });

  it("points the endpoint settings at the resources it creates", () => {
    const main = read("infra/main.bicep");
    expect(main).toMatch(/tablesEndpoint:\s*storage\.outputs\.tableEndpoint/);
    expect(main).toMatch(/blobEndpoint:\s*storage\.outputs\.blobEndpoint/);
    expect(main).toMatch(/emailEndpoint:\s*communication\.outputs\.endpoint/);
    expect(main).toMatch(/emailSenderAddress:\s*communication\.outputs\.senderAddress/);
    expect(appSettings.get("AKS_BACKUP_AUDITOR_TABLES_ENDPOINT")).toBe("tablesEndpoint");
    expect(appSettings.get("AKS_BACKUP_AUDITOR_BLOB_ENDPOINT")).toBe("blobEndpoint");
    expect(appSettings.get("AKS_BACKUP_AUDITOR_EMAIL_ENDPOINT")).toBe("emailEndpoint");
  });
});

// ---- the Function App and its storage ---------------------------------------------------------------

describe("Function App: Flex Consumption, Node 22, system-assigned identity", () => {
  it("runs on FC1 with the Node major version the project pins", () => {
    const plan = resources(api).find((r) => r.type === "Microsoft.Web/serverfarms")?.body ?? "";
    expect(plan).toMatch(/tier:\s*'FlexConsumption'/);
    expect(plan).toMatch(/name:\s*'FC1'/);
    const runtime = entries(blockAfter(mask(siteBody), /runtime:\s*/));
    expect(runtime.get("name")).toBe("'node'");
    const pkg = JSON.parse(read("package.json")) as { devDependencies?: Record<string, string>; engines?: Record<string, string> };
    const major = /(\d+)/.exec(pkg.devDependencies?.["node"] ?? "")?.[1];
    expect(runtime.get("version")).toBe(`'${major}'`);
    expect(pkg.engines?.["node"]).toContain(major);
  });

  it("has a system-assigned identity that also pulls the deployment package", () => {
    expect(siteBody).toMatch(/identity:\s*\{\s*type:\s*'SystemAssigned'\s*\}/);
    expect(siteBody).toMatch(/authentication:\s*\{\s*type:\s*'SystemAssignedIdentity'\s*\}/);
    expect(siteBody).toMatch(/'azd-service-name':\s*serviceName/);
  });

  it("uses a storage account without shared keys, holding the app's tables and snapshot container", () => {
    const storage = bicep("infra/app/storage.bicep");
    const account = resources(storage).find((r) => r.type === "Microsoft.Storage/storageAccounts")?.body ?? "";
    expect(account).toMatch(/allowSharedKeyAccess:\s*false/);
    expect(account).toMatch(/allowBlobPublicAccess:\s*false/);
    expect(stringArrayVar(storage, "resultTables")).toEqual([...TABLES]);
    expect(params(storage).find((p) => p.name === "snapshotContainerName")).toBeDefined();
    expect(read("infra/app/storage.bicep")).toContain(`param snapshotContainerName string = '${SNAPSHOT_CONTAINER}'`);
  });

  it("names the Event Grid function the handler registers", () => {
    expect(read("infra/app/api.bicep")).toContain(`param eventGridFunctionName string = '${RESOURCE_EVENTS_FUNCTION}'`);
    expect(read("infra/main.bicep")).toContain(`var eventGridFunctionName = '${RESOURCE_EVENTS_FUNCTION}'`);
  });

  it("uses the extension bundle range [4.*, 5.0.0)", () => {
    const host = JSON.parse(read("host.json")) as { extensionBundle?: { id?: string; version?: string } };
    expect(host.extensionBundle?.id).toBe("Microsoft.Azure.Functions.ExtensionBundle");
    expect(host.extensionBundle?.version).toBe("[4.*, 5.0.0)");
  });
});

// ---- Event Grid ---------------------------------------------------------------------------------------

describe("Event Grid subscription: infra/app/event-subscription.bicep against the handler", () => {
  const sub = bicep("infra/app/event-subscription.bicep");
  const body = resources(sub).find((r) => r.type === "Microsoft.EventGrid/systemTopics/eventSubscriptions")?.body ?? "";

  it("includes exactly the event types the handler accepts", () => {
    const types = stringArrayVar(sub, "includedEventTypes");
    expect(new Set(types).size).toBe(types.length);
    expect([...types].sort()).toEqual([...EVENT_TYPES].sort());
    expect(body).toMatch(/includedEventTypes:\s*includedEventTypes/);
  });

  it("filters on exactly the operation names the handler acts on", () => {
    const ops = stringArrayVar(sub, "operationNames");
    expect(new Set(ops).size).toBe(ops.length);
    expect([...ops].sort()).toEqual([...EVENT_OPERATION_NAMES].sort());
    const filter = entries(blockAfter(mask(body), /advancedFilters:\s*\[\s*/));
    expect(filter.get("operatorType")).toBe("'StringIn'");
    expect(filter.get("key")).toBe("'data.operationName'");
    expect(filter.get("values")).toBe("operationNames");
    // Event Grid: at most 25 filter values across the advanced filters of one subscription.
    expect(ops.length).toBeLessThanOrEqual(25);
  });

  it("delivers to the function by resource id (no webhook, no key), with retries and dead-lettering by identity", () => {
    expect(body).toMatch(/endpointType:\s*'AzureFunction'/);
    expect(body).toMatch(/resourceId:\s*functionResourceId/);
    expect(body).not.toMatch(/WebHook|endpointUrl/i);
    expect(body).toMatch(/retryPolicy:\s*\{[^}]*maxDeliveryAttempts/);
    const properties = entries(blockAfter(mask(body), /^\s*properties:\s*/m));
    expect(properties.has("deadLetterWithResourceIdentity")).toBe(true);
    // deadLetterDestination at this level would dead-letter with Event Grid's own access, not the topic's identity.
    expect(properties.has("deadLetterDestination")).toBe(false);
    expect(properties.get("eventDeliverySchema")).toBe("'EventGridSchema'");
  });

  it("is created after deploy by the hook, from this template, for every system topic", () => {
    const hook = read("infra/hooks/postdeploy.sh");
    expect(hook).toContain("event-subscription.bicep");
    expect(hook).toMatch(/az deployment group create/);
    expect(hook).not.toMatch(/keys list|listKeys|code=|systemkey|masterkey|webhook/i);
  });
});

// ---- roles -----------------------------------------------------------------------------------------

/**
 * Built-in role ids this deployment may use, each checked on 2026-11-23 against Microsoft's reference
 * (MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles.md, the table of every
 * built-in role with its id).
 */
const VERIFIED_BUILT_IN: Record<string, string> = {
  "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
  "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
  "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
  "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
  "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
  "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
};

/** Roles broader than anything this app needs: none may appear anywhere in the infra. */
const TOO_BROAD: Record<string, string> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
  "17d1049b-9a84-46fb-8f53-869881c3d3ab": "Storage Account Contributor",
  "09976791-48a7-449e-bb21-39d1a415f350": "Communication and Email Service Owner",
};

interface RolesFile {
  builtIn: Record<string, { id: string; roleName: string }>;
  custom: { emailSender: { actions: string[] } };
}
const roles = JSON.parse(read("infra/roles.json")) as RolesFile;

/** roleName -> id of the built-in roles extracted from Microsoft's docs into ../shared, where present. */
function sharedBuiltInRoles(): Map<string, string> {
  const dir = join(ROOT, "..", "shared", "azure-examples", "built-in-roles");
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".json"))) {
    const doc = JSON.parse(readFileSync(join(dir, f), "utf8")) as unknown;
    const one = (Array.isArray(doc) ? doc[0] : doc) as { name?: string; roleName?: string; properties?: { roleName?: string } };
    const roleName = one.properties?.roleName ?? one.roleName;
    if (roleName && one.name) out.set(roleName, one.name);
  }
  return out;
}

describe("roles: infra/roles.json and the role assignments", () => {
  const builtIn = Object.entries(roles.builtIn);

  it("lists only verified built-in role ids, under their real names", () => {
    expect(builtIn.length).toBeGreaterThan(0);
    for (const [key, role] of builtIn) {
      expect(VERIFIED_BUILT_IN[role.id], `${key}: ${role.id} is not a verified built-in role id`).toBe(role.roleName);
    }
  });

  it("agrees with the built-in role definitions in ../shared and in src/model/builtin-roles.ts where they have them", () => {
    const shared = sharedBuiltInRoles();
    const model = new Map(BUILTIN_ROLES.map((r) => [r.roleName, r.guid]));
    for (const role of Object.values(roles.builtIn)) {
      const s = shared.get(role.roleName);
      if (s) expect(s, role.roleName).toBe(role.id);
      const mdl = model.get(role.roleName);
      if (mdl) expect(mdl, role.roleName).toBe(role.id);
    }
    for (const [id, name] of Object.entries(TOO_BROAD)) {
      const s = shared.get(name);
      if (s) expect(s, name).toBe(id);
    }
  });

  it("never mentions a role broader than needed", () => {
    for (const f of [...infraFiles, join(ROOT, "azure.yaml")]) {
      const text = readFileSync(f, "utf8").toLowerCase();
      for (const [id, name] of Object.entries(TOO_BROAD)) expect(text.includes(id), `${name} (${id}) in ${f}`).toBe(false);
    }
    for (const role of Object.values(roles.builtIn)) expect(Object.values(TOO_BROAD)).not.toContain(role.roleName);
  });

  it("takes every role id from roles.json (no role GUID typed into a Bicep file) and uses every entry", () => {
    const all = bicepFiles.map((f) => readFileSync(f, "utf8")).join("\n");
    for (const f of bicepFiles) expect(mask(readFileSync(f, "utf8")).noComments, f).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
    for (const key of Object.keys(roles.builtIn)) expect(all, `roles.builtIn.${key} is never used`).toMatch(new RegExp(`roles\\.builtIn\\.${key}\\b`));
  });

  it("sends email with the documented custom role, not a built-in owner role", () => {
    expect([...roles.custom.emailSender.actions].sort()).toEqual(
      ["Microsoft.Communication/CommunicationServices/Read", "Microsoft.Communication/CommunicationServices/Write", "Microsoft.Communication/EmailServices/write"].sort(),
    );
    for (const a of roles.custom.emailSender.actions) expect(a).not.toMatch(/\*|listKeys|delete/i);
    const role = read("infra/app/email-sender-role.bicep");
    expect(role).toMatch(/type:\s*'CustomRole'/);
    expect(role).toMatch(/actions:\s*roles\.custom\.emailSender\.actions/);
    expect(read("infra/main.bicep")).toMatch(/assignableScope:\s*rg\.id/);
  });

  it("assigns each role at the narrowest scope", () => {
    const assignments = bicepFiles.flatMap((f) =>
      resources(bicep(f.slice(ROOT.length)))
        .filter((r) => r.type === "Microsoft.Authorization/roleAssignments")
        .map((r) => ({ file: f.slice(ROOT.length), body: r.body })),
    );
    const roleOf = (b: string) => /roleDefinitionId:\s*(.+)/.exec(b)?.[1]?.trim() ?? "";
    const scopeOf = (b: string) => /\bscope:\s*(\w+)/.exec(b)?.[1] ?? "(deployment scope)";
    const seen = assignments.map((a) => `${a.file} | ${scopeOf(a.body)} | ${roleOf(a.body)}`).sort();
    expect(seen).toEqual(
      [
        "infra/app/audited-subscription.bicep | (deployment scope) | subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.builtIn.reader.id)",
        "infra/app/rbac.bicep | applicationInsights | subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.builtIn.monitoringMetricsPublisher.id)",
        "infra/app/rbac.bicep | communicationService | emailSenderRoleDefinitionId",
        "infra/app/rbac.bicep | deadLetterContainer | subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.builtIn.storageBlobDataContributor.id)",
        "infra/app/rbac.bicep | storage | subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)",
        "infra/app/reader-management-group.bicep | (deployment scope) | tenantResourceId('Microsoft.Authorization/roleDefinitions', roles.builtIn.reader.id)",
      ].sort(),
    );
    // The loop over the storage account assigns exactly the three data roles of host storage + Durable Functions.
    const rbac = bicep("infra/app/rbac.bicep");
    const loop = blockAfter(rbac, /^var\s+appStorageRoles\s*=\s*/m);
    expect(loop.replace(/\s+/g, " ")).toBe("[ roles.builtIn.storageBlobDataOwner roles.builtIn.storageQueueDataContributor roles.builtIn.storageTableDataContributor ]");
    // Subscription- and management-group-level modules: Reader only.
    expect(read("infra/app/audited-subscription.bicep")).toMatch(/targetScope = 'subscription'/);
    expect(read("infra/app/reader-management-group.bicep")).toMatch(/targetScope = 'managementGroup'/);
  });
});

// ---- azd wiring --------------------------------------------------------------------------------------

describe("azd: azure.yaml, parameters, outputs, hooks", () => {
  const yaml = read("azure.yaml");

  it("declares the TypeScript Functions service and the hooks", () => {
    const service = /^services:\n {2}api:\n((?: {4}.*\n)+)/m.exec(yaml)?.[1] ?? "";
    expect(service).toMatch(/^ {4}language: ts$/m);
    expect(service).toMatch(/^ {4}host: function$/m);
    expect(service).toMatch(/^ {4}project: \.$/m);
    expect(yaml).not.toMatch(/language:\s*js\b/);
    for (const hook of ["postprovision", "postdeploy"]) {
      const run = new RegExp(`^ {2}${hook}:\\n(?: {4}.*\\n)*? {4}run: (\\S+)`, "m").exec(yaml)?.[1];
      expect(run, hook).toBe(`./infra/hooks/${hook}.sh`);
      const script = read(`infra/hooks/${hook}.sh`);
      expect(script.startsWith("#!/bin/sh\n"), `${hook}.sh is a POSIX sh script`).toBe(true);
      expect(script).toMatch(/^set -eu$/m);
      execFileSync("sh", ["-n", join(ROOT, `infra/hooks/${hook}.sh`)]);
    }
    expect(yaml).toMatch(/^infra:\n {2}provider: bicep\n {2}path: infra\n {2}module: main$/m);
  });

  it("deploys main.bicep at subscription scope with every required parameter supplied", () => {
    const main = bicep("infra/main.bicep");
    expect(main.noComments).toMatch(/^targetScope = 'subscription'$/m);
    const declared = params(main);
    const supplied = Object.keys((JSON.parse(read("infra/main.parameters.json")) as { parameters: Record<string, unknown> }).parameters);
    for (const p of supplied) expect(declared.map((d) => d.name), `main.parameters.json sets unknown parameter ${p}`).toContain(p);
    for (const p of declared.filter((d) => !d.hasDefault)) expect(supplied, `required parameter ${p.name}`).toContain(p.name);
    for (const name of ["auditedSubscriptionIds", "managementGroupId", "auditSchedule", "digestSchedule", "digestRecipients", "emailSenderAddress", "debounceSeconds"]) {
      expect(declared.map((d) => d.name)).toContain(name);
    }
  });

  it("references only modules and JSON files that exist", () => {
    for (const f of bicepFiles) {
      const text = mask(readFileSync(f, "utf8")).noComments;
      for (const m of text.matchAll(/\bmodule\s+\w+\s+'([^']+)'/g)) expect(existsSync(join(dirname(f), m[1] ?? "")), `${f}: ${m[1]}`).toBe(true);
      for (const m of text.matchAll(/loadJsonContent\('([^']+)'\)/g)) expect(existsSync(join(dirname(f), m[1] ?? "")), `${f}: ${m[1]}`).toBe(true);
    }
  });

  it("outputs a URL for every HTTP route the app registers", () => {
    const main = read("infra/main.bicep");
    const outputRoutes = [...main.matchAll(/^output\s+\w+_URL\s+string\s*=\s*'\$\{api\.outputs\.uri\}\/api\/([^']+)'/gm)].map((m) => m[1] ?? "").sort();
    const registered = [...read("src/functions/register.ts").matchAll(/route:\s*"([^"]+)"/g)].map((m) => m[1] ?? "").sort();
    expect(registered.length).toBeGreaterThan(0);
    expect(outputRoutes).toEqual(registered);
    const host = JSON.parse(read("host.json")) as { extensions?: { http?: { routePrefix?: string } } };
    expect(host.extensions?.http?.routePrefix ?? "api").toBe("api");
  });

  it("outputs what the hooks read", () => {
    const outputs = new Set([...read("infra/main.bicep").matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1] ?? ""));
    for (const hook of ["postprovision", "postdeploy"]) {
      const script = read(`infra/hooks/${hook}.sh`);
      const used = [...script.matchAll(/\$\{?([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] ?? "").filter((v) => !["AZURE_ENV_NAME", "AZURE_LOCATION"].includes(v));
      const needed = [...script.matchAll(/^need ([A-Z0-9_]+)$/gm)].map((m) => m[1] ?? "");
      for (const v of [...used, ...needed]) expect(outputs.has(v), `${hook}.sh reads ${v}, which main.bicep does not output`).toBe(true);
    }
    expect(outputs.has("AZURE_LOCATION")).toBe(true);
  });
});

// ---- the hooks, run against a fake `az` ------------------------------------------------------------

describe("hooks, run with a fake az on the PATH", () => {
  const dir = mkdtempSync(join(tmpdir(), "aksbackup-hooks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, "az.log");
  writeFileSync(join(dir, "az"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\t' "$a"; done >> "${log}"\nprintf '\\n' >> "${log}"\nexit 0\n`);
  chmodSync(join(dir, "az"), 0o755);
  const run = (hook: string, env: Record<string, string>) => {
    writeFileSync(log, "");
    const out = execFileSync("sh", [join(ROOT, `infra/hooks/${hook}.sh`)], { env: { PATH: `${dir}:${process.env["PATH"] ?? ""}`, AZURE_ENV_NAME: "test", AZURE_LOCATION: "westeurope", ...env }, encoding: "utf8" });
    return { out, calls: readFileSync(log, "utf8").split("\n").filter((l) => l !== "").map((l) => l.split("\t").filter((a) => a !== "")) };
  };
  const fn = "/subscriptions/aaaa/resourceGroups/rg-test/providers/Microsoft.Web/sites/func-x/functions/resourceEvents";
  const topic = (sub: string) => `/subscriptions/${sub}/resourceGroups/rg-test-events/providers/Microsoft.EventGrid/systemTopics/evgst-test`;

  it("postdeploy deploys one event subscription per system topic, to the function by resource id", () => {
    const { calls } = run("postdeploy", {
      EVENT_GRID_FUNCTION_RESOURCE_ID: fn,
      EVENT_GRID_SYSTEM_TOPIC_IDS: `${topic("1111")} ${topic("2222")}`,
      DEAD_LETTER_STORAGE_ACCOUNT_ID: "/subscriptions/aaaa/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/stx",
      DEAD_LETTER_CONTAINER_NAME: "eventgrid-deadletter",
    });
    const deployments = calls.filter((c) => c[0] === "deployment" && c[1] === "group" && c[2] === "create");
    expect(deployments).toHaveLength(2);
    for (const [i, sub] of ["1111", "2222"].entries()) {
      const c = deployments[i] ?? [];
      expect(c[c.indexOf("--subscription") + 1]).toBe(sub);
      expect(c[c.indexOf("--resource-group") + 1]).toBe("rg-test-events");
      expect(c[c.indexOf("--template-file") + 1]).toMatch(/infra\/hooks\/\.\.\/app\/event-subscription\.bicep$/);
      expect(c).toContain("systemTopicName=evgst-test");
      expect(c).toContain(`functionResourceId=${fn}`);
    }
    expect(calls.flat().join(" ")).not.toMatch(/keys|code=|webhook/i);
  });

  it("postdeploy does nothing without system topics, and fails clearly without provision outputs", () => {
    expect(run("postdeploy", { EVENT_GRID_FUNCTION_RESOURCE_ID: fn, DEAD_LETTER_STORAGE_ACCOUNT_ID: "x", DEAD_LETTER_CONTAINER_NAME: "y" }).calls).toEqual([]);
    expect(() => run("postdeploy", {})).toThrow();
  });

  it("postprovision assigns Reader at the management group only when one is configured", () => {
    expect(run("postprovision", { APP_PRINCIPAL_ID: "p" }).calls).toEqual([]);
    const { calls } = run("postprovision", { APP_PRINCIPAL_ID: "0000-principal", AUDIT_MANAGEMENT_GROUP_ID: "mg-platform" });
    const mg = calls.find((c) => c[0] === "deployment" && c[1] === "mg") ?? [];
    expect(mg[mg.indexOf("--management-group-id") + 1]).toBe("mg-platform");
    expect(mg[mg.indexOf("--template-file") + 1]).toMatch(/reader-management-group\.bicep$/);
    expect(mg).toContain("principalId=0000-principal");
  });
});

// ---- the Bicep reader itself ------------------------------------------------------------------------

describe("bicep-text", () => {
  it("keeps strings (with // and interpolations) and drops comments", () => {
    const m = mask("var a = 'https://x/${f('}')}' // note\n/* b */\nvar c = [\n  'd' // e\n]\n");
    expect(m.noComments).toContain("'https://x/${f('}')}'");
    expect(m.noComments).not.toContain("note");
    expect(stringArrayVar(m, "c")).toEqual(["d"]);
    expect(stringLiterals("['a', 'b\\'c']")).toEqual(["a", "b'c"]);
  });

  it("reads top-level entries of an object, multi-line values included", () => {
    const e = entries("{\n  A: 'x'\n  B: cond\n    ? 'y'\n    : 'z'\n  C: {\n    D: 1\n  }\n}");
    expect([...e.keys()]).toEqual(["A", "B", "C"]);
    expect(e.get("B")).toBe("cond ? 'y' : 'z'");
  });
});
