/**
 * How a cluster's verdict becomes one table entity. A string property holds at most 64 KiB
 * (32 Ki UTF-16 code units) and an entity at most 1 MiB, while a cluster's checks with evidence and
 * remediation are usually 10–20 KB but unbounded (evidence lists what it saw). So the checks JSON is
 * split across `checks0…checksN` (30,000 characters each); past 15 parts it is gzipped into binary
 * parts `gz0…gzN` (60,000 bytes each); and only if even that does not fit is evidence compacted —
 * with a marker saying how much was left out, never silently.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { CheckResult } from "../model/types.js";

export const CHAR_CHUNK = 30_000;
export const BYTE_CHUNK = 60_000;
export const MAX_PARTS = 15;

export type Parts = Record<string, string | Uint8Array | number>;

export function encodeChecks(checks: readonly CheckResult[]): Parts {
  let json = JSON.stringify(checks);
  if (json.length <= CHAR_CHUNK * MAX_PARTS) return splitText(json);
  let gz = gzipSync(json);
  if (gz.length > BYTE_CHUNK * MAX_PARTS) {
    json = JSON.stringify(compact(checks, Math.floor((CHAR_CHUNK * MAX_PARTS) / Math.max(1, checks.length)) - 400));
    if (json.length <= CHAR_CHUNK * MAX_PARTS) return splitText(json);
    gz = gzipSync(json);
  }
  const out: Parts = { checksEncoding: "gzip", checksParts: 0 };
  let n = 0;
  for (let i = 0; i < gz.length; i += BYTE_CHUNK) out[`gz${n++}`] = new Uint8Array(gz.subarray(i, i + BYTE_CHUNK));
  out["checksParts"] = n;
  return out;
}

function splitText(json: string): Parts {
  const out: Parts = { checksEncoding: "json", checksParts: 0 };
  let n = 0;
  for (let i = 0; i < json.length; i += CHAR_CHUNK) out[`checks${n++}`] = json.slice(i, i + CHAR_CHUNK);
  out["checksParts"] = n;
  return out;
}

function compact(checks: readonly CheckResult[], budget: number): CheckResult[] {
  const cut = (s: string | undefined): string | undefined =>
    s === undefined || s.length <= budget ? s : `${s.slice(0, budget)} […${s.length - budget} more characters not stored; re-run the audit for the full text]`;
  return checks.map((c) => ({ ...c, evidence: cut(c.evidence) ?? "", remediation: cut(c.remediation) }));
}

export function decodeChecks(e: Record<string, unknown>): CheckResult[] {
  const parts = typeof e["checksParts"] === "number" ? e["checksParts"] : 0;
  if (e["checksEncoding"] === "gzip") {
    const bufs: Buffer[] = [];
    for (let i = 0; i < parts; i++) {
      const p = e[`gz${i}`];
      if (!(p instanceof Uint8Array)) throw new Error(`stored verdict is missing part gz${i}`);
      bufs.push(Buffer.from(p));
    }
    return JSON.parse(gunzipSync(Buffer.concat(bufs)).toString("utf8")) as CheckResult[];
  }
  let json = "";
  for (let i = 0; i < parts; i++) {
    const p = e[`checks${i}`];
    if (typeof p !== "string") throw new Error(`stored verdict is missing part checks${i}`);
    json += p;
  }
  return json ? (JSON.parse(json) as CheckResult[]) : [];
}

/** Per-check status columns (`s_AKSBK_022`), so "clusters failing check X" is a table filter. */
export function statusColumn(checkId: string): string {
  return "s_" + checkId.replace(/-/g, "_");
}
