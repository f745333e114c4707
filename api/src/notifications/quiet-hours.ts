// Do not disturb: a snooze until a moment, and daily quiet hours in the user's own time zone. Pure.

export interface DoNotDisturb {
  /** Snoozed until then; null: not snoozed. */
  dndUntil: Date | null;
  /** Quiet hours as minutes after midnight in the user's time zone; both null: none. */
  quietStart: number | null;
  quietEnd: number | null;
}

export const MINUTES_PER_DAY = 24 * 60;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock minute of the day in a time zone (an unknown zone counts as UTC). */
export function minuteOfDay(now: Date, timeZone: string): number {
  let clock = clocks.get(timeZone);
  if (!clock) {
    try {
      clock = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    } catch {
      clock = new Intl.DateTimeFormat("en-GB", {
        timeZone: "UTC",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    }
    clocks.set(timeZone, clock);
  }
  let hour = 0;
  let minute = 0;
  for (const part of clock.formatToParts(now)) {
    if (part.type === "hour") hour = Number(part.value);
    if (part.type === "minute") minute = Number(part.value);
  }
  return hour * 60 + minute;
}

/** Inside [start, end) of the day; a start after the end spans midnight (22:00–07:00). Equal: no quiet hours. */
export function inQuietHours(start: number | null, end: number | null, minute: number): boolean {
  if (start === null || end === null || start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

export function isDoNotDisturb(settings: DoNotDisturb | null, timeZone: string, now: Date): boolean {
  if (!settings) return false;
  if (settings.dndUntil && settings.dndUntil.getTime() > now.getTime()) return true;
  if (settings.quietStart === null || settings.quietEnd === null) return false;
  return inQuietHours(settings.quietStart, settings.quietEnd, minuteOfDay(now, timeZone));
}
