import { describe, expect, it } from "vitest";
import { idKey } from "../../src/model/arm-id.js";
import { MAX_RECIPIENTS_PER_MESSAGE, parseAddressList, routeClusters, RoutesSchema, type RoutableCluster } from "../../src/digest/routing.js";
import { clusterId, SUB_A, SUB_B } from "../store/store-fixture.js";

const XSS = "<img src=x onerror=alert(1)>";
const c = (sub: string, name: string, tags: Record<string, string> = {}): RoutableCluster => ({ id: clusterId(sub, "rg", name), subscriptionId: sub, tags });
const fleet = [
  c(SUB_A, "a1", { "backup-owner": "team-a@contoso.com", env: "prod" }),
  c(SUB_A, "a2", { "Backup-Owner": "Team-A@Contoso.com; ops@contoso.com" }),
  c(SUB_B, "b1", { "backup-owner": "team-b@contoso.com", env: "Prod" }),
  c(SUB_B, "b2", { "backup-owner": XSS }),
  c(SUB_B, "b3", {}),
];
const names = (keys: Set<string>): string[] => fleet.filter((x) => keys.has(idKey(x.id))).map((x) => x.id.split("/").pop() ?? "");

describe("routing", () => {
  it("tag routes: each owner receives only their clusters; an unusable tag value is ignored with a warning", () => {
    const r = routeClusters(fleet, { recipients: [], routes: [{ tag: "backup-owner" }] });
    const byRecipient = Object.fromEntries(r.groups.flatMap((g) => g.recipients.map((a) => [a, names(g.clusterKeys)])));
    expect(byRecipient).toEqual({ "team-a@contoso.com": ["a1", "a2"], "ops@contoso.com": ["a2"], "team-b@contoso.com": ["b1"] });
    expect(r.unrouted.map((id) => id.split("/").pop())).toEqual(["b2", "b3"]);
    expect(r.warnings.join()).toMatch(/1 cluster\(s\) have a "backup-owner" tag that is not a list of allowed email addresses/);
    expect(r.warnings.join()).not.toContain("<img");
  });

  it("global recipients get everything; subscription and tag=value routes add their slices; one message per identical slice", () => {
    const r = routeClusters(fleet, {
      recipients: ["ops@contoso.com", "sre@contoso.com"],
      routes: [
        { subscription: SUB_B.toUpperCase(), to: ["team-b@contoso.com"] },
        { tag: "ENV", value: "prod", to: ["prod@contoso.com", "team-b@contoso.com"] },
      ],
    });
    const groups = r.groups.map((g) => ({ to: g.recipients, clusters: names(g.clusterKeys), everything: g.everything }));
    expect(groups).toEqual([
      { to: ["ops@contoso.com", "sre@contoso.com"], clusters: ["a1", "a2", "b1", "b2", "b3"], everything: true },
      { to: ["prod@contoso.com"], clusters: ["a1", "b1"], everything: false },
      { to: ["team-b@contoso.com"], clusters: ["a1", "b1", "b2", "b3"], everything: false },
    ]);
    expect(r.unrouted).toEqual([]);
    const teamB = r.groups.find((g) => g.key === "team-b@contoso.com");
    expect(teamB?.reasons).toEqual(["subscription " + SUB_B.toUpperCase(), "tag ENV=prod"]);
  });

  it("an allow-list of domains keeps tag-derived addresses inside the company", () => {
    const r = routeClusters([c(SUB_A, "x", { owner: "attacker@evil.example, team@contoso.com" })], { recipients: [], routes: [{ tag: "owner" }], tagDomains: ["contoso.com"] });
    expect(r.groups.map((g) => g.recipients)).toEqual([["team@contoso.com"]]);
    expect(r.warnings).toHaveLength(1);
  });

  it(`splits a group of more than ${MAX_RECIPIENTS_PER_MESSAGE} addresses (the ACS limit per email)`, () => {
    const many = Array.from({ length: 120 }, (_, i) => `user${String(i).padStart(3, "0")}@contoso.com`);
    const r = routeClusters(fleet, { recipients: many, routes: [] });
    expect(r.groups.map((g) => g.recipients.length)).toEqual([50, 50, 20]);
    expect(new Set(r.groups.map((g) => g.key)).size).toBe(3);
    expect(r.groups.every((g) => g.key.length < 250)).toBe(true);
  });

  it("parses address lists and refuses anything that is not a plain address", () => {
    expect(parseAddressList("a@x.com; B@Y.org ,c@z.io a@x.com")).toEqual({ ok: ["a@x.com", "b@y.org", "c@z.io"], bad: [] });
    for (const bad of [XSS, "Team <t@contoso.com>", "t@contoso.com\r\nBcc: x@evil.example", "no-at-sign", "a@b", "a@-x.com"]) {
      expect(parseAddressList(bad).ok.filter((a) => a.includes("<") || a.includes("\n") || a === "a@b")).toEqual([]);
    }
  });

  it("validates the routes setting", () => {
    expect(RoutesSchema.safeParse([{ subscription: SUB_A, to: "a@contoso.com;b@contoso.com" }]).data).toEqual([{ subscription: SUB_A, to: ["a@contoso.com", "b@contoso.com"] }]);
    expect(RoutesSchema.safeParse([{ subscription: SUB_A }]).success).toBe(false);
    expect(RoutesSchema.safeParse([{ tag: "env", value: "prod" }]).success).toBe(false);
    expect(RoutesSchema.safeParse([{ tag: "env", subscription: SUB_A, to: ["a@contoso.com"] }]).success).toBe(false);
    expect(RoutesSchema.safeParse([{ tag: "owner", to: [XSS] }]).success).toBe(false);
    expect(RoutesSchema.safeParse([{ tag: "owner", colour: "red" }]).success).toBe(false);
  });
});
