/**
 * Digest periods. A digest is sent at most once per period and recipient group; the period is named by
 * the time the digest is sent: ISO week by default (`2026-W48`), or a day (`2026-11-23`) or a month (`2026-11`).
 */
import type { PeriodKind } from "./types.js";

export interface Period {
  kind: PeriodKind;
  /** `2026-W48`, `2026-11-23` or `2026-11`: the ledger's partition key. */
  key: string;
  /** Inclusive start (UTC). */
  start: Date;
  /** Exclusive end (UTC). */
  end: Date;
}

const DAY = 86_400_000;

/** ISO 8601 week-numbering year and week of a UTC date. */
export function isoWeek(t: Date): { year: number; week: number } {
  const day = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  const dow = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(day + (3 - dow) * DAY); // the week belongs to the year of its Thursday
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY));
  return { year, week };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

export function periodOf(t: Date, kind: PeriodKind): Period {
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  const d = t.getUTCDate();
  switch (kind) {
    case "day": {
      const start = new Date(Date.UTC(y, m, d));
      return { kind, key: `${y}-${pad(m + 1)}-${pad(d)}`, start, end: new Date(start.getTime() + DAY) };
    }
    case "month":
      return { kind, key: `${y}-${pad(m + 1)}`, start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
    case "week": {
      const { year, week } = isoWeek(t);
      const dow = (t.getUTCDay() + 6) % 7;
      const start = new Date(Date.UTC(y, m, d) - dow * DAY);
      return { kind, key: `${year}-W${pad(week)}`, start, end: new Date(start.getTime() + 7 * DAY) };
    }
  }
}

/** The usual distance between two digests, for the first digest of a group (no previous one to start from). */
export function periodLengthMs(kind: PeriodKind): number {
  return kind === "day" ? DAY : kind === "week" ? 7 * DAY : 30 * DAY;
}

/** "Week 48, 2026", "23 Nov 2026", "November 2026". */
export function periodLabel(p: Period): string {
  switch (p.kind) {
    case "week": {
      const [year, week] = p.key.split("-W");
      return `Week ${Number(week)}, ${year}`;
    }
    case "day":
      return shortDate(p.start, true);
    case "month":
      return p.start.toLocaleString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  }
}

/** "23 Nov" or "23 Nov 2026" (UTC). */
export function shortDate(t: Date, withYear = false): string {
  return t.toLocaleString("en-GB", { day: "numeric", month: "short", ...(withYear ? { year: "numeric" } : {}), timeZone: "UTC" });
}

/** "23 Nov 2026, 06:00 UTC". */
export function dateTime(t: Date): string {
  return `${shortDate(t, true)}, ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())} UTC`;
}

/** "3 days", "5 weeks", "less than a day". */
export function duration(ms: number): string {
  const days = Math.floor(ms / DAY);
  if (days < 1) return "less than a day";
  if (days < 14) return `${days} day${days === 1 ? "" : "s"}`;
  if (days < 70) return `${Math.floor(days / 7)} weeks`;
  return `${Math.floor(days / 30)} months`;
}
