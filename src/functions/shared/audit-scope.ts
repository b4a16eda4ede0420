/** What a fleet audit covers, as it travels in orchestration inputs (small: ids only). */
import { z } from "zod";

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MANAGEMENT_GROUP_RE = /^[A-Za-z0-9._()-]{1,90}$/;

export const auditScopeSchema = z.object({
  subscriptions: z.array(z.string().regex(GUID_RE, "must be a subscription id (GUID)")).max(10_000),
  managementGroups: z.array(z.string().regex(MANAGEMENT_GROUP_RE, "must be a management group id")).max(1_000),
});

export type AuditScope = z.infer<typeof auditScopeSchema>;

export function scopeLabel(s: AuditScope): string {
  const parts: string[] = [];
  if (s.subscriptions.length) parts.push(`subscriptions: ${s.subscriptions.join(", ")}`);
  if (s.managementGroups.length) parts.push(`management groups: ${s.managementGroups.join(", ")}`);
  return parts.join("; ") || "(empty scope)";
}

/** Subscriptions take precedence, as in the collector: a scope is one or the other. */
export function collectScope(s: AuditScope): { subscriptions?: string[]; managementGroups?: string[] } {
  return s.subscriptions.length ? { subscriptions: s.subscriptions } : { managementGroups: s.managementGroups };
}

/**
 * How a fleet audit collects its scope: batches of at most `size` subscriptions (a subscription named
 * twice is collected once), in scope order, one collection activity each; a management-group scope is
 * one batch, since its subscriptions are known only once it is collected. Part `i` of a run is
 * `batches[i]`, so the same scope and size always give the same parts.
 */
export function collectionBatches(s: AuditScope, size: number): AuditScope[] {
  if (!s.subscriptions.length) return [{ subscriptions: [], managementGroups: s.managementGroups }];
  const seen = new Set<string>();
  const subs = s.subscriptions.filter((x) => !seen.has(x.toLowerCase()) && (seen.add(x.toLowerCase()), true));
  const step = Math.max(1, Math.floor(size));
  const out: AuditScope[] = [];
  for (let i = 0; i < subs.length; i += step) out.push({ subscriptions: subs.slice(i, i + step), managementGroups: [] });
  return out;
}
