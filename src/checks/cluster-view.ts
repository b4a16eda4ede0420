/**
 * Resolution of a cluster's related resources (checks.md, "Resolution"), computed lazily once per
 * cluster and shared by every check. Each resolver answers a {@link Found}: the value, or why it is
 * not there — so that a check which owns a defect can fail it and every other check that needs the
 * missing piece says `unknown` naming it (the cascade rule).
 */
import { idKey, parentKey, resourceGroupKey } from "../model/arm-id.js";
import type { Fleet } from "../model/fleet.js";
import { arr, bool, eqi, field, isObject, obj, path, str } from "../model/props.js";
import type { Res } from "../model/resource.js";
import type { Kind } from "../model/types.js";

export type Found<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      /** absent: the input shows it does not exist; not_collected: the kind was not collected; unresolvable: cannot tell. */
      reason: "absent" | "not_collected" | "unresolvable";
      /** A sentence for the evidence, e.g. "no backup vault is associated with this cluster". */
      missing: string;
    };

export const found = <T>(value: T): Found<T> => ({ ok: true, value });
export const absent = <T>(missing: string): Found<T> => ({ ok: false, reason: "absent", missing });
export const unresolvable = <T>(missing: string): Found<T> => ({ ok: false, reason: "unresolvable", missing });

export interface Principal {
  principalId: string;
  /** Who this is, for people: `backup vault bv-prod`. */
  label: string;
}

export interface Scope {
  id: string;
  key: string;
  subscriptionId: string;
  label: string;
}

export interface StorageSettings {
  account: string | undefined;
  container: string | undefined;
  resourceGroup: string | undefined;
  subscriptionId: string;
  useAAD: boolean;
}

export interface VaultRef {
  id: string;
  key: string;
  name: string;
  res: Res | undefined;
  via: "backup instance" | "trusted-access binding";
}

export const BACKUP_EXTENSION_TYPE = "microsoft.dataprotection.kubernetes";
export const BACKUP_OPERATOR_ROLE = "Microsoft.DataProtection/backupVaults/backup-operator";
const SETTING = {
  bucket: "configuration.backupStorageLocation.bucket",
  account: "configuration.backupStorageLocation.config.storageAccount",
  resourceGroup: "configuration.backupStorageLocation.config.resourceGroup",
  subscription: "configuration.backupStorageLocation.config.subscriptionId",
  useAAD: "configuration.backupStorageLocation.config.useAAD",
} as const;

function lazy<T>(fn: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = fn();
      done = true;
    }
    return v;
  };
}

export class ClusterView {
  readonly key: string;
  readonly name: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;

  constructor(
    readonly res: Res,
    readonly fleet: Fleet,
  ) {
    this.key = res.id.key;
    this.name = res.name;
    this.subscriptionId = res.subscriptionId ?? "";
    this.resourceGroup = res.resourceGroup ?? "";
    this.location = res.location ?? "";
  }

  get raw(): unknown {
    return this.res.raw;
  }

  /** A value under the cluster's `properties`, keys matched case-insensitively. */
  prop(...keys: string[]): unknown {
    return path(this.res.raw, "properties", ...keys);
  }

  /** `unknown` evidence when a kind was not collected for this cluster's subscription. */
  notCollected(kind: Kind, subscriptionId = this.subscriptionId, resourceKey: string | undefined = this.key): string | undefined {
    if (this.fleet.isCollected(kind, subscriptionId, resourceKey)) return undefined;
    const err = this.fleet.collectionErrorFor(kind, subscriptionId, resourceKey);
    return `${kind} were not collected${err ? ` (${err})` : ""}, so this cannot be evaluated`;
  }

  /** The `az … --resource-group … --name …` pair (plus subscription) used by every remediation. */
  get azTarget(): string {
    return `--resource-group ${shellArg(this.resourceGroup)} --name ${shellArg(this.name)} --subscription ${this.subscriptionId}`;
  }

  readonly clusterPrincipal = lazy((): Found<Principal> => {
    const identity = obj(this.res.raw, "identity");
    const type = str(identity, "type")?.toLowerCase() ?? "";
    const label = `cluster ${this.name}`;
    if (type.includes("systemassigned")) {
      const p = str(identity, "principalId");
      return p ? found({ principalId: p, label: `${label}'s system-assigned identity` }) : unresolvable(`the cluster's identity principalId is not in the input`);
    }
    if (type.includes("userassigned")) {
      const uais = obj(identity, "userAssignedIdentities");
      const first = uais ? Object.entries(uais)[0] : undefined;
      const p = first ? str(first[1], "principalId") : undefined;
      return p && first
        ? found({ principalId: p, label: `${label}'s user-assigned identity ${first[0].split("/").pop() ?? ""}` })
        : unresolvable(`the cluster's user-assigned identity principalId is not in the input`);
    }
    return absent(`the cluster has no managed identity (AKSBK-004)`);
  });

  readonly extensions = lazy((): Found<Res[]> => {
    const nc = this.notCollected("extensions");
    if (nc) return { ok: false, reason: "not_collected", missing: nc };
    return found(this.fleet.extensionsByCluster.get(this.key) ?? []);
  });

  readonly backupExtension = lazy((): Found<Res> => {
    const exts = this.extensions();
    if (!exts.ok) return exts;
    const ext = exts.value.find((e) => eqi(str(e.raw, "properties", "extensionType"), BACKUP_EXTENSION_TYPE));
    return ext ? found(ext) : absent(`the backup extension (${BACKUP_EXTENSION_TYPE}) is not installed on the cluster (AKSBK-011)`);
  });

  readonly extensionPrincipal = lazy((): Found<Principal> => {
    const ext = this.backupExtension();
    if (!ext.ok) return ext;
    const p = str(ext.value.raw, "properties", "aksAssignedIdentity", "principalId");
    return p
      ? found({ principalId: p, label: `backup extension ${ext.value.name}'s identity` })
      : unresolvable(`the backup extension ${ext.value.name} shows no aksAssignedIdentity.principalId`);
  });

  readonly storageSettings = lazy((): Found<StorageSettings> => {
    const ext = this.backupExtension();
    if (!ext.ok) return ext;
    const cs = obj(ext.value.raw, "properties", "configurationSettings");
    const get = (k: string): string | undefined => {
      const v = field(cs, k);
      return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
    };
    const aad = field(cs, SETTING.useAAD);
    return found({
      account: get(SETTING.account),
      container: get(SETTING.bucket),
      resourceGroup: get(SETTING.resourceGroup),
      subscriptionId: get(SETTING.subscription) ?? this.subscriptionId,
      useAAD: aad === true || (typeof aad === "string" && aad.trim().toLowerCase() === "true"),
    });
  });

  readonly storageAccount = lazy((): Found<Res> => {
    const s = this.storageSettings();
    if (!s.ok) return s;
    const { account, resourceGroup, subscriptionId } = s.value;
    if (!account) return absent(`the backup extension names no storage account (AKSBK-012)`);
    let candidates = this.fleet.storageAccountsNamed(account);
    if (resourceGroup) candidates = candidates.filter((c) => eqi(c.resourceGroup, resourceGroup));
    candidates = candidates.filter((c) => eqi(c.subscriptionId, subscriptionId));
    const hit = candidates[0];
    if (hit) return found(hit);
    const nc = this.notCollected("storageAccounts", subscriptionId);
    if (nc) return { ok: false, reason: "not_collected", missing: nc };
    return unresolvable(
      `storage account ${account} (subscription ${subscriptionId}${resourceGroup ? `, resource group ${resourceGroup}` : ""}) is not in the input`,
    );
  });

  /** The storage account's id: from the input, else built from the extension's settings. */
  readonly storageScope = lazy((): Found<Scope> => {
    const acct = this.storageAccount();
    if (acct.ok) {
      const a = acct.value;
      return found({ id: a.id.raw, key: a.id.key, subscriptionId: a.subscriptionId ?? "", label: `storage account ${a.name}` });
    }
    const s = this.storageSettings();
    if (!s.ok) return s;
    if (!s.value.account) return absent(`the backup extension names no storage account (AKSBK-012)`);
    if (!s.value.resourceGroup) return acct;
    const id = `/subscriptions/${s.value.subscriptionId}/resourceGroups/${s.value.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${s.value.account}`;
    return found({ id, key: idKey(id), subscriptionId: s.value.subscriptionId, label: `storage account ${s.value.account}` });
  });

  readonly backupInstance = lazy((): Found<Res> => {
    const nc = this.notCollected("backupInstances");
    const list = this.fleet.instancesByDataSource.get(this.key) ?? [];
    const pick = list.find((i) => eqi(protectionState(i), "ProtectionConfigured")) ?? list[0];
    if (pick) return found(pick);
    if (nc) return { ok: false, reason: "not_collected", missing: nc };
    return absent(`no backup instance protects this cluster (AKSBK-030)`);
  });

  readonly bindings = lazy((): Found<Res[]> => {
    const nc = this.notCollected("trustedAccessRoleBindings");
    if (nc) return { ok: false, reason: "not_collected", missing: nc };
    return found(this.fleet.bindingsByCluster.get(this.key) ?? []);
  });

  /** Bindings that grant a backup vault the backup-operator role. */
  readonly backupOperatorBindings = lazy((): Res[] => {
    const b = this.bindings();
    if (!b.ok) return [];
    return b.value.filter(
      (x) =>
        (arr(x.raw, "properties", "roles") ?? []).some((r) => typeof r === "string" && eqi(r, BACKUP_OPERATOR_ROLE)) &&
        /\/providers\/microsoft\.dataprotection\/backupvaults\/[^/]+$/.test(idKey(str(x.raw, "properties", "sourceResourceId") ?? "")),
    );
  });

  readonly vault = lazy((): Found<VaultRef> => {
    const bi = this.backupInstance();
    if (bi.ok) {
      const key = parentKey(bi.value.id.key) ?? "";
      const id = bi.value.id.raw.slice(0, bi.value.id.raw.toLowerCase().lastIndexOf("/backupinstances/"));
      return found({ id, key, name: id.split("/").pop() ?? id, res: this.fleet.byKey.get(key), via: "backup instance" });
    }
    const b = this.backupOperatorBindings()[0];
    if (b) {
      const id = str(b.raw, "properties", "sourceResourceId") ?? "";
      const key = idKey(id);
      return found({ id, key, name: id.split("/").pop() ?? id, res: this.fleet.byKey.get(key), via: "trusted-access binding" });
    }
    const bindings = this.bindings();
    if (!bi.ok && bi.reason === "not_collected") return bi;
    if (!bindings.ok) return bindings;
    return absent(`no backup vault is associated with this cluster (no backup instance, no backup-operator trusted-access binding)`);
  });

  readonly vaultPrincipal = lazy((): Found<Principal> => {
    const v = this.vault();
    if (!v.ok) return v;
    const vault = v.value;
    if (!vault.res) {
      const nc = this.notCollected("backupVaults", parseVaultSub(vault.id));
      return unresolvable(nc ?? `backup vault ${vault.id} is not in the input`);
    }
    const identity = obj(vault.res.raw, "identity");
    const bi = this.backupInstance();
    const details = bi.ok ? obj(bi.value.raw, "properties", "identityDetails") : undefined;
    if (details && bool(details, "useSystemAssignedIdentity") === false) {
      const url = str(details, "userAssignedIdentityArmUrl");
      const uais = obj(identity, "userAssignedIdentities");
      const entry = url && uais ? Object.entries(uais).find(([k]) => idKey(k) === idKey(url)) : undefined;
      const p = entry ? str(entry[1], "principalId") : undefined;
      if (p) return found({ principalId: p, label: `backup vault ${vault.name}'s user-assigned identity ${url?.split("/").pop() ?? ""}` });
      return unresolvable(
        `the backup instance uses the user-assigned identity ${url ?? "(none named)"}, which is not among backup vault ${vault.name}'s identities in the input`,
      );
    }
    const type = str(identity, "type")?.toLowerCase() ?? "none";
    const p = str(identity, "principalId");
    if (type.includes("systemassigned") && p) return found({ principalId: p, label: `backup vault ${vault.name}` });
    if (type.includes("systemassigned")) return unresolvable(`backup vault ${vault.name}'s identity principalId is not in the input`);
    return absent(`backup vault ${vault.name} has no system-assigned managed identity (identity.type ${str(identity, "type") ?? "absent"}) (AKSBK-020)`);
  });

  readonly snapshotResourceGroup = lazy((): Found<Scope> => {
    const bi = this.backupInstance();
    if (!bi.ok) {
      return bi.reason === "absent" ? absent(`the snapshot resource group is unknown: no backup instance protects this cluster (AKSBK-030)`) : bi;
    }
    const list = arr(bi.value.raw, "properties", "policyInfo", "policyParameters", "dataStoreParametersList") ?? [];
    const op = list.find((e) => isObject(e) && eqi(str(e, "dataStoreType"), "OperationalStore"));
    const id = str(op, "resourceGroupId");
    if (!id) return unresolvable(`backup instance ${bi.value.name} names no OperationalStore snapshot resource group`);
    const p = idKey(id).split("/");
    const sub = id.split("/").filter(Boolean)[1] ?? "";
    return found({ id, key: resourceGroupKey(sub, p[4] ?? ""), subscriptionId: sub, label: `snapshot resource group ${id.split("/").filter(Boolean)[3] ?? id}` });
  });
}

export function protectionState(instance: Res): string | undefined {
  return str(instance.raw, "properties", "currentProtectionState") ?? str(instance.raw, "properties", "protectionStatus", "status");
}

function parseVaultSub(id: string): string | undefined {
  const s = id.split("/").filter(Boolean);
  return s[0]?.toLowerCase() === "subscriptions" ? s[1] : undefined;
}

/** Quote a value for a POSIX shell when it needs it. */
export function shellArg(v: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/**
 * The scopes a change to which can change this cluster's verdict: the cluster, its backup vault and
 * instance, the snapshot resource group and the backup storage account. The event-driven re-audit
 * maps a role assignment or resource change to clusters through these (stored per cluster).
 */
export function relatedScopes(view: ClusterView): string[] {
  const out = new Set<string>([view.key]);
  const v = view.vault();
  if (v.ok) out.add(v.value.key);
  const bi = view.backupInstance();
  if (bi.ok) out.add(bi.value.id.key);
  const rg = view.snapshotResourceGroup();
  if (rg.ok) out.add(rg.value.key);
  const st = view.storageScope();
  if (st.ok) out.add(st.value.key);
  return [...out];
}
