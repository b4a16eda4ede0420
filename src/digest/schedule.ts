/**
 * The digest timer's schedule: an NCRONTAB expression as Azure Functions timer triggers take it, six
 * fields `{second} {minute} {hour} {day} {month} {day-of-week}`. Validated here so a typo fails at
 * start-up with a message, not silently at deploy time (the host would refuse to index the function).
 */

/** Weekly, Monday 07:00 UTC. */
export const DEFAULT_DIGEST_SCHEDULE = "0 0 7 * * 1";

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: { name: string; min: number; max: number; names?: string[]; nameBase?: number }[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: "day-of-week", min: 0, max: 6, names: DAYS, nameBase: 0 },
];

function value(raw: string, f: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(raw)) return Number(raw);
  const i = f.names?.indexOf(raw.toUpperCase()) ?? -1;
  return i >= 0 ? i + (f.nameBase ?? 0) : undefined;
}

/** An error message, or undefined when the expression is valid. */
export function validateNcrontab(expr: string): string | undefined {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 6) return `needs six fields "{second} {minute} {hour} {day} {month} {day-of-week}" (NCRONTAB), e.g. "${DEFAULT_DIGEST_SCHEDULE}"; got ${parts.length}`;
  for (const [i, part] of parts.entries()) {
    const f = FIELDS[i] as (typeof FIELDS)[number];
    for (const item of part.split(",")) {
      const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
      if (!m) return `${f.name} field "${part}" is not valid`;
      if (m[2] !== undefined && Number(m[2]) < 1) return `${f.name} field "${part}": a step must be at least 1`;
      if (m[1] === "*") continue;
      for (const v of (m[1] ?? "").split("-")) {
        const n = value(v, f);
        if (n === undefined || n < f.min || n > f.max) return `${f.name} field "${part}": ${v} is outside ${f.min}–${f.max}`;
      }
    }
  }
  return undefined;
}
