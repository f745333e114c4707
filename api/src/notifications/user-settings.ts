// A user's own notification settings: do not disturb (a snooze) and daily quiet hours, read in their time
// zone (the profile's timeZone). Per-channel settings (all / mentions / nothing, mute) live on the channel
// membership (channels/actions.ts doSetPreferences).
import type { Db } from "../lib/prisma.js";

export interface UserNotificationSettings {
  dndUntil: string | null;
  /** "HH:MM" in the user's time zone; both null: none. */
  quietHours: { start: string; end: string } | null;
  timeZone: string;
}

export const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const toHhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

export async function getUserSettings(db: Db, userId: string): Promise<UserNotificationSettings> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { timeZone: true, notificationSettings: true },
  });
  const s = user.notificationSettings;
  const live = s?.dndUntil && s.dndUntil.getTime() > Date.now() ? s.dndUntil.toISOString() : null;
  return {
    dndUntil: live,
    quietHours:
      s?.quietStart != null && s.quietEnd != null ? { start: toHhmm(s.quietStart), end: toHhmm(s.quietEnd) } : null,
    timeZone: user.timeZone,
  };
}

export interface SettingsEdit {
  /** A moment in the future, or null to end do-not-disturb now. */
  dndUntil?: Date | null | undefined;
  quietHours?: { start: string; end: string } | null | undefined;
}

export async function doUpdateUserSettings(db: Db, userId: string, edit: SettingsEdit) {
  const data = {
    ...(edit.dndUntil === undefined ? {} : { dndUntil: edit.dndUntil }),
    ...(edit.quietHours === undefined
      ? {}
      : {
          quietStart: edit.quietHours ? toMinutes(edit.quietHours.start) : null,
          quietEnd: edit.quietHours ? toMinutes(edit.quietHours.end) : null,
        }),
  };
  await db.notificationSettings.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  return getUserSettings(db, userId);
}
