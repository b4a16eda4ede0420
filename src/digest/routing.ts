/**
 * Who receives which clusters. Global recipients receive the whole fleet; routes add recipients per
 * subscription or per tag (see {@link Route}). Every address then receives ONE digest per period with
 * all the clusters routed to it, and addresses that receive exactly the same clusters share one
 * message: the recipient group. A group is cut into messages of at most 50 addresses (the ACS limit
 * on recipients per email).
 *
 * Tag values come from Azure and are writable by whoever can tag a cluster: an address taken from a tag
 * must parse as one address (no display names, no header tricks) and, when an allow-list of domains is
 * configured, be in one of them; otherwise it is dropped with a warning and the cluster goes only to
 * the other routes.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { idKey } from "../model/arm-id.js";
import type { Route } from "./types.js";

/** ACS: "Number of recipients in Email: 50". */
export const MAX_RECIPIENTS_PER_MESSAGE = 50;

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const ADDRESS = new RegExp(`^[A-Za-z0-9.!#$%&'*+/=?^_\`{|}~-]{1,64}@${LABEL}(?:\\.${LABEL})+$`);

/** A plain address (`team@contoso.com`), lower-cased; undefined when it is not one. */
export function normaliseAddress(raw: string): string | undefined {
  const a = raw.trim();
  if (a.length > 254 || !ADDRESS.test(a) || a.includes("..") || a.startsWith(".")) return undefined;
  return a.toLowerCase();
}

/** Split `a@x.com; b@y.com, c@z.com` into good and bad entries. */
export function parseAddressList(raw: string): { ok: string[]; bad: string[] } {
  const ok: string[] = [];
  const bad: string[] = [];
  for (const part of raw.split(/[\s,;]+/)) {
    if (!part) continue;
    const a = normaliseAddress(part);
    if (a) {
      if (!ok.includes(a)) ok.push(a);
    } else bad.push(part);
  }
  return { ok, bad };
}

const address = z.string().refine((s) => normaliseAddress(s) !== undefined, { message: "not an email address" });
const addressList = z.union([z.array(address).min(1), z.string().min(1)]).transform((v, ctx) => {
  if (Array.isArray(v)) return v.map((a) => normaliseAddress(a) as string);
  const { ok, bad } = parseAddressList(v);
  if (bad.length || !ok.length) ctx.addIssue({ code: "custom", message: `not email address(es): ${bad.join(", ") || "(empty)"}` });
  return ok;
});

/** One route, as written in the routes setting (JSON). */
export const RouteSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    subscription: z.string().regex(/^[0-9a-fA-F-]{36}$/, "a subscription id (GUID)").optional(),
    tag: z.string().min(1).max(512).optional(),
    value: z.string().max(256).optional(),
    to: addressList.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!!r.subscription === !!r.tag) ctx.addIssue({ code: "custom", message: 'a route names either "subscription" or "tag"' });
    if (r.subscription && !r.to) ctx.addIssue({ code: "custom", message: 'a subscription route needs "to"' });
    if (r.value !== undefined && !r.to) ctx.addIssue({ code: "custom", message: 'a route with "value" needs "to" (without "to", the tag\'s value is the recipient)' });
  });

export const RoutesSchema = z.array(RouteSchema).max(500);

/** What routing needs to know about a cluster. */
export interface RoutableCluster {
  id: string;
  subscriptionId: string;
  tags?: Record<string, string> | undefined;
}

export interface RecipientGroup {
  /** Stable name of the group in the ledger: its addresses, or a hash of them when they are many. */
  key: string;
  recipients: string[];
  /** Normalised ids (idKey) of the clusters this group receives. */
  clusterKeys: Set<string>;
  /** True for the group that receives the whole fleet. */
  everything: boolean;
  /** Why these people receive these clusters, for the message's footer. */
  reasons: string[];
}

export interface Routing {
  groups: RecipientGroup[];
  /** Clusters no one receives. */
  unrouted: string[];
  warnings: string[];
}

function tagValue(tags: Record<string, string> | undefined, name: string): string | undefined {
  if (!tags) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === want) return v;
  return undefined;
}

export function groupKeyOf(recipients: readonly string[]): string {
  const joined = [...recipients].sort().join(",");
  if (joined.length <= 200) return joined;
  return `${recipients[0] ?? "group"}+${recipients.length - 1}-${createHash("sha256").update(joined).digest("hex").slice(0, 16)}`;
}

export function routeClusters(clusters: readonly RoutableCluster[], opts: { recipients: readonly string[]; routes: readonly Route[]; tagDomains?: readonly string[] }): Routing {
  const warnings: string[] = [];
  const byAddress = new Map<string, { clusters: Set<string>; reasons: Set<string> }>();
  const add = (address: string, clusterKey: string, reason: string): void => {
    let e = byAddress.get(address);
    if (!e) byAddress.set(address, (e = { clusters: new Set(), reasons: new Set() }));
    e.clusters.add(clusterKey);
    e.reasons.add(reason);
  };
  const allKeys = clusters.map((c) => idKey(c.id));
  const global = new Set(opts.recipients.map((a) => normaliseAddress(a)).filter((a): a is string => !!a));
  for (const a of global) for (const k of allKeys) add(a, k, "all clusters");
  const domains = (opts.tagDomains ?? []).map((d) => d.toLowerCase().replace(/^@/, ""));
  const routed = new Set<string>(global.size ? allKeys : []);
  const badTagValues = new Map<string, number>();

  for (const route of opts.routes) {
    const label = route.name ? `route "${route.name}"` : undefined;
    for (const c of clusters) {
      const key = idKey(c.id);
      if (route.subscription) {
        if (c.subscriptionId.toLowerCase() !== route.subscription.toLowerCase()) continue;
        for (const a of route.to ?? []) add(a, key, label ?? `subscription ${route.subscription}`);
        routed.add(key);
        continue;
      }
      if (!route.tag) continue;
      const v = tagValue(c.tags, route.tag);
      if (v === undefined) continue;
      if (route.to) {
        if (route.value !== undefined && v.trim().toLowerCase() !== route.value.trim().toLowerCase()) continue;
        for (const a of route.to) add(a, key, label ?? (route.value !== undefined ? `tag ${route.tag}=${route.value}` : `tag ${route.tag}`));
        routed.add(key);
        continue;
      }
      // The tag's value names the recipients.
      const { ok, bad } = parseAddressList(v);
      const allowed = ok.filter((a) => !domains.length || domains.includes(a.slice(a.lastIndexOf("@") + 1)));
      if (bad.length || allowed.length < ok.length) badTagValues.set(route.tag, (badTagValues.get(route.tag) ?? 0) + 1);
      for (const a of allowed) {
        add(a, key, label ?? `tag ${route.tag}=${a}`);
        routed.add(key);
      }
    }
  }
  for (const [tag, n] of badTagValues) {
    warnings.push(`${n} cluster(s) have a "${tag}" tag that is not a list of allowed email addresses${domains.length ? ` (allowed domains: ${domains.join(", ")})` : ""}; those addresses were ignored`);
  }

  // Addresses that receive exactly the same clusters share one message.
  const bySet = new Map<string, { recipients: string[]; clusters: Set<string>; reasons: Set<string> }>();
  for (const [address, e] of [...byAddress.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const sig = createHash("sha256").update([...e.clusters].sort().join("\n")).digest("base64");
    let g = bySet.get(sig);
    if (!g) bySet.set(sig, (g = { recipients: [], clusters: e.clusters, reasons: new Set() }));
    g.recipients.push(address);
    for (const r of e.reasons) g.reasons.add(r);
  }
  const groups: RecipientGroup[] = [];
  for (const g of bySet.values()) {
    for (let i = 0; i < g.recipients.length; i += MAX_RECIPIENTS_PER_MESSAGE) {
      const recipients = g.recipients.slice(i, i + MAX_RECIPIENTS_PER_MESSAGE);
      groups.push({
        key: groupKeyOf(recipients),
        recipients,
        clusterKeys: g.clusters,
        everything: g.clusters.size === allKeys.length && recipients.some((a) => global.has(a)),
        reasons: [...g.reasons].sort(),
      });
    }
  }
  const unrouted = clusters.filter((c) => !routed.has(idKey(c.id))).map((c) => c.id);
  return { groups: groups.sort((a, b) => a.key.localeCompare(b.key)), unrouted, warnings };
}
