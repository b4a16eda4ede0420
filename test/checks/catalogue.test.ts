/**
 * The catalogue meta-test (style.md §2): the registry, the check files, their tests and checks.md
 * must agree. Fails when a check has no test file, a duplicate id, a file name that disagrees with
 * its id or slug, an id or severity that checks.md does not list, or missing metadata.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CheckDefinition } from "../../src/checks/define-check.js";
import { CHECKS } from "../../src/checks/registry.js";
import { SEVERITIES } from "../../src/model/types.js";

const CHECKS_DIR = new URL("../../src/checks/", import.meta.url);
const TESTS_DIR = new URL("./", import.meta.url);
const CATALOGUE = readFileSync(new URL("../../../shared/spec/checks.md", import.meta.url), "utf8");

/** `| AKSBK-NNN | severity | …` rows of checks.md's catalogue table. */
const specRows = [...CATALOGUE.matchAll(/^\|\s*(AKSBK-\d{3})\s*\|\s*([^|]+?)\s*\|/gm)].map((m) => ({ id: m[1] ?? "", severity: m[2] ?? "" }));
const specSeverity = new Map(specRows.map((r) => [r.id, r.severity]));

const base = (c: CheckDefinition) => `aksbk-${c.id.slice("AKSBK-".length)}-${c.slug}`;
const checkFiles = readdirSync(CHECKS_DIR).filter((f) => /^aksbk-/.test(f));
const testFiles = readdirSync(TESTS_DIR).filter((f) => /^aksbk-.*\.test\.ts$/.test(f));

describe("checks.md catalogue table", () => {
  it("parses: every row has a known severity and a unique id", () => {
    expect(specRows.length).toBeGreaterThanOrEqual(20);
    for (const r of specRows) expect(SEVERITIES as readonly string[], r.id).toContain(r.severity);
    expect(new Set(specRows.map((r) => r.id)).size).toBe(specRows.length);
  });
});

describe("registry", () => {
  it("ids are unique", () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it("slugs are unique", () => {
    const slugs = CHECKS.map((c) => c.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
  });
  it("is sorted by id", () => {
    const ids = CHECKS.map((c) => c.id);
    expect(ids).toEqual([...ids].sort());
  });
  it("has exactly the ids of checks.md's catalogue", () => {
    expect(CHECKS.map((c) => c.id).sort()).toEqual(specRows.map((r) => r.id).sort());
  });
  it("every check file under src/checks is registered", () => {
    expect(checkFiles.sort()).toEqual(CHECKS.map((c) => `${base(c)}.ts`).sort());
  });
  it("every aksbk-*.test.ts names a registered check", () => {
    const known = new Set(CHECKS.map((c) => `${base(c)}.test.ts`));
    expect(testFiles.filter((f) => !known.has(f))).toEqual([]);
  });
});

describe.each(CHECKS.map((c) => [c.id, c] as const))("%s", (_id, c) => {
  it("id and slug are well formed", () => {
    expect(c.id).toMatch(/^AKSBK-\d{3}$/);
    expect(c.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
  it("has the severity checks.md gives it", () => {
    expect(specSeverity.get(c.id), `${c.id} is not in checks.md`).toBeDefined();
    expect(c.severity).toBe(specSeverity.get(c.id));
  });
  it(`lives in src/checks/aksbk-NNN-<slug>.ts, whose default export it is`, async () => {
    const file = `${base(c)}.ts`;
    expect(existsSync(new URL(file, CHECKS_DIR)), `src/checks/${file}`).toBe(true);
    const mod = (await import(`../../src/checks/${base(c)}.ts`)) as { default?: CheckDefinition };
    expect(mod.default, `src/checks/${file} exports this check`).toBe(c);
  });
  it("has a table test test/checks/aksbk-NNN-<slug>.test.ts", () => {
    const file = `${base(c)}.test.ts`;
    expect(existsSync(new URL(file, TESTS_DIR)), `test/checks/${file} is missing`).toBe(true);
  });
  it("has a title, a rationale and an https docsUrl", () => {
    expect(c.title.trim().length).toBeGreaterThan(0);
    expect(c.rationale.trim().length).toBeGreaterThan(20);
    expect(new URL(c.docsUrl).protocol).toBe("https:");
  });
});
