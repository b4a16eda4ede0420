/**
 * The layering of style.md, held by a test: model and checks do no I/O and import no Azure SDK;
 * arrows point one way; only the settings module and the CLI entry point touch process.env; no
 * `any` type in the sources.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const sources = files(SRC).map((p) => ({ path: relative(SRC, p), text: readFileSync(p, "utf8") }));
const importsOf = (text: string) => [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1] ?? "");

// Lower index = lower layer; a file may import only from its own layer or lower ones.
const LAYERS = ["model", "checks", "inventory", "store", "report", "digest", "config", "functions", "cli"];
const layerOf = (path: string) => LAYERS.indexOf(path.split("/")[0] ?? "");

describe("architecture", () => {
  it("finds the sources", () => expect(sources.length).toBeGreaterThan(30));

  it.each(sources.filter((s) => /^(model|checks)\//.test(s.path)).map((s) => [s.path, s] as const))(
    "%s is pure: no Azure SDK, no I/O modules",
    (_p, s) => {
      const bad = importsOf(s.text).filter((i) => i.startsWith("@azure/") || /^(node:)?(fs|net|http|https|child_process|dns|tls)(\/|$)/.test(i));
      expect(bad).toEqual([]);
    },
  );

  it.each(sources.filter((s) => layerOf(s.path) >= 0 && layerOf(s.path) <= 3).map((s) => [s.path, s] as const))("%s imports no higher layer", (_p, s) => {
    const mine = layerOf(s.path);
    const higher = importsOf(s.text)
      .filter((i) => i.startsWith("."))
      .map((i) => relative(SRC, join(SRC, s.path, "..", i)))
      .filter((target) => layerOf(target) > mine && !(target.startsWith("config/") && s.path.startsWith("store/")));
    expect(higher).toEqual([]);
  });

  it("reads process.env only in the settings module and the CLI entry point", () => {
    const readers = sources.filter((s) => /process\.env/.test(s.text)).map((s) => s.path);
    expect(readers.filter((p) => p !== "config/settings.ts" && p !== "cli/main.ts")).toEqual([]);
  });

  it("declares no `any`", () => {
    const hits = sources.flatMap((s) => s.text.split("\n").map((line, i) => ({ line, where: `${s.path}:${i + 1}` }))).filter(({ line }) => /(:\s*any\b|<any>|as any\b|any\[\])/.test(line));
    expect(hits.map((h) => h.where)).toEqual([]);
  });
});
