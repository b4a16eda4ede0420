import { describe, expect, it } from "vitest";
import { isoWeek, periodLabel, periodOf } from "../../src/digest/period.js";
import { DEFAULT_DIGEST_SCHEDULE, validateNcrontab } from "../../src/digest/schedule.js";

describe("digest periods", () => {
  it.each([
    ["2026-11-23T07:00:00Z", "2026-W48"], // a Monday
    ["2026-11-29T23:59:59Z", "2026-W48"], // its Sunday
    ["2026-11-30T00:00:00Z", "2026-W49"],
    ["2021-01-03T12:00:00Z", "2020-W53"], // early January belongs to the previous ISO year
    ["2024-12-30T00:00:00Z", "2025-W01"], // late December to the next
    ["2026-01-01T00:00:00Z", "2026-W01"], // 2026 starts on a Thursday
  ])("%s is in ISO week %s", (t, key) => {
    expect(periodOf(new Date(t), "week").key).toBe(key);
  });

  it("a week runs Monday 00:00 to the next Monday, UTC", () => {
    const p = periodOf(new Date("2026-11-25T15:00:00Z"), "week");
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual(["2026-11-23T00:00:00.000Z", "2026-11-30T00:00:00.000Z"]);
    expect(periodLabel(p)).toBe("Week 48, 2026");
    expect(isoWeek(new Date("2026-11-23T00:00:00Z"))).toEqual({ year: 2026, week: 48 });
  });

  it("day and month periods", () => {
    expect(periodOf(new Date("2026-11-23T07:00:00Z"), "day").key).toBe("2026-11-23");
    const m = periodOf(new Date("2026-12-31T23:00:00Z"), "month");
    expect([m.key, m.start.toISOString(), m.end.toISOString()]).toEqual(["2026-12", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
  });
});

describe("the digest schedule (NCRONTAB, six fields)", () => {
  it.each([DEFAULT_DIGEST_SCHEDULE, "0 30 9 * * 1-5", "0 0 */6 * * *", "0 0 7 * * MON", "0 0 7 1 JAN,JUL *", "0 0,30 * * * *"])("accepts %s", (expr) => {
    expect(validateNcrontab(expr)).toBeUndefined();
  });
  it.each([
    ["0 7 * * 1", /six fields/],
    ["0 0 25 * * 1", /hour field "25"/],
    ["0 0 7 * * 8", /day-of-week/],
    ["0 0 7 * * FUNDAY", /day-of-week/],
    ["0 0 7 * * */0", /step/],
    ["0 0 7 ? * 1", /day field/],
  ])("rejects %s", (expr, message) => {
    expect(validateNcrontab(expr)).toMatch(message);
  });
});
