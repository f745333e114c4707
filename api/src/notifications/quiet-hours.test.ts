import { describe, expect, it } from "vitest";
import { inQuietHours, isDoNotDisturb, minuteOfDay } from "./quiet-hours.js";

const at = (iso: string) => new Date(iso);
const hhmm = (h: number, m = 0) => h * 60 + m;

describe("quiet hours", () => {
  it("reads the wall clock in the user's time zone, daylight saving included", () => {
    expect(minuteOfDay(at("2026-07-01T12:30:00Z"), "UTC")).toBe(hhmm(12, 30));
    expect(minuteOfDay(at("2026-07-01T12:30:00Z"), "Europe/Berlin")).toBe(hhmm(14, 30)); // CEST, +2
    expect(minuteOfDay(at("2026-01-15T12:30:00Z"), "Europe/Berlin")).toBe(hhmm(13, 30)); // CET, +1
    expect(minuteOfDay(at("2026-01-15T03:00:00Z"), "America/New_York")).toBe(hhmm(22));
    expect(minuteOfDay(at("2026-01-15T12:30:00Z"), "Asia/Kolkata")).toBe(hhmm(18)); // +5:30
    expect(minuteOfDay(at("2026-01-15T12:30:00Z"), "Not/AZone")).toBe(hhmm(12, 30));
  });

  it.each([
    [hhmm(9), hhmm(17), hhmm(8, 59), false],
    [hhmm(9), hhmm(17), hhmm(9), true],
    [hhmm(9), hhmm(17), hhmm(16, 59), true],
    [hhmm(9), hhmm(17), hhmm(17), false],
    [hhmm(22), hhmm(7), hhmm(21, 59), false],
    [hhmm(22), hhmm(7), hhmm(22), true],
    [hhmm(22), hhmm(7), hhmm(0), true],
    [hhmm(22), hhmm(7), hhmm(6, 59), true],
    [hhmm(22), hhmm(7), hhmm(7), false],
    [hhmm(8), hhmm(8), hhmm(8), false],
  ])("%i–%i at minute %i → %s", (start, end, minute, quiet) => {
    expect(inQuietHours(start, end, minute)).toBe(quiet);
  });

  it("is quiet while snoozed, and during quiet hours in the user's zone, not in UTC", () => {
    const now = at("2026-01-15T03:00:00Z"); // 22:00 in New York
    const nightInNewYork = { dndUntil: null, quietStart: hhmm(21), quietEnd: hhmm(7) };
    expect(isDoNotDisturb(nightInNewYork, "America/New_York", now)).toBe(true);
    expect(isDoNotDisturb(nightInNewYork, "Asia/Tokyo", now)).toBe(false); // 12:00 there
    expect(isDoNotDisturb({ dndUntil: at("2026-01-15T03:30:00Z"), quietStart: null, quietEnd: null }, "UTC", now)).toBe(
      true,
    );
    expect(isDoNotDisturb({ dndUntil: at("2026-01-15T02:59:00Z"), quietStart: null, quietEnd: null }, "UTC", now)).toBe(
      false,
    );
    expect(isDoNotDisturb(null, "UTC", now)).toBe(false);
  });
});
