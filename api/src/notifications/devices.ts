// Push devices: each is an FCM registration token of one browser or app, tied to the session that
// registered it. The foreign key to Session cascades, so whatever deletes sessions (signing out, a ban,
// a deactivation, a password change: accounts/revoke.ts) removes their devices in the same statement.

import { notFound } from "../errors.js";
import type { PushPlatform } from "../generated/prisma/client.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";

/** Devices kept per user; registering one more forgets the longest unseen. */
export const MAX_DEVICES_PER_USER = 20;

export interface DeviceView {
  id: string;
  platform: PushPlatform;
  label: string;
  createdAt: string;
  lastSeenAt: string;
  /** Registered by the session asking (this browser). */
  current: boolean;
}

type DeviceRow = {
  id: string;
  platform: PushPlatform;
  label: string;
  createdAt: Date;
  lastSeenAt: Date;
  sessionId: string;
};

const view = (row: DeviceRow, sessionId: string): DeviceView => ({
  id: row.id,
  platform: row.platform,
  label: row.label,
  createdAt: row.createdAt.toISOString(),
  lastSeenAt: row.lastSeenAt.toISOString(),
  current: row.sessionId === sessionId,
});

/**
 * Registers (or refreshes) a token for this user and session. A token is one browser: registered again
 * (after signing in anew, or by someone else signing in there) it moves to the new session and user.
 */
export async function doRegisterDevice(
  db: Db,
  auth: { userId: string; sessionId: string },
  input: { token: string; platform: PushPlatform; userAgent: string | undefined },
): Promise<DeviceView> {
  const data = {
    userId: auth.userId,
    sessionId: auth.sessionId,
    platform: input.platform,
    label: deviceLabel(input.userAgent),
    lastSeenAt: new Date(),
  };
  const device = await db.pushDevice.upsert({
    where: { token: input.token },
    create: { ...data, token: input.token },
    update: data,
  });
  const surplus = await db.pushDevice.findMany({
    where: { userId: auth.userId },
    orderBy: { lastSeenAt: "desc" },
    skip: MAX_DEVICES_PER_USER,
    select: { id: true },
  });
  if (surplus.length > 0) await db.pushDevice.deleteMany({ where: { id: { in: surplus.map((d) => d.id) } } });
  return view(device, auth.sessionId);
}

export async function listDevices(db: Db, userId: string, sessionId: string): Promise<DeviceView[]> {
  const rows = await db.pushDevice.findMany({ where: { userId }, orderBy: { lastSeenAt: "desc" } });
  return rows.map((row) => view(row, sessionId));
}

/** Only the user's own device; anyone else's is "not found", as if it did not exist. */
export async function doRemoveDevice(db: Db, userId: string, deviceId: string): Promise<void> {
  const { count } = await db.pushDevice.deleteMany({ where: { id: deviceId, userId } });
  if (count === 0) throw notFound("Device");
}

export interface PushTarget {
  deviceId: string;
  userId: string;
  token: string;
  platform: PushPlatform;
}

/** The devices to push to, of live sessions only (an expired session's device is as good as signed out). */
export async function devicesOf(sql: Sql, userIds: readonly string[]): Promise<PushTarget[]> {
  if (userIds.length === 0) return [];
  const { rows } = await sql.query<PushTarget>({
    name: "notify-devices",
    text: `SELECT d.id AS "deviceId", d."userId", d.token, d.platform::text AS platform
      FROM "PushDevice" d JOIN "Session" s ON s.id = d."sessionId"
      WHERE d."userId" = ANY($1::uuid[]) AND s."expiresAt" > (now() AT TIME ZONE 'UTC')`,
    values: [userIds],
  });
  return rows;
}

/** Forgets tokens FCM reported dead (unregistered, invalid, of another sender). */
export async function pruneDevices(sql: Sql, deviceIds: readonly string[]): Promise<number> {
  if (deviceIds.length === 0) return 0;
  const { rowCount } = await sql.query(`DELETE FROM "PushDevice" WHERE id = ANY($1::uuid[])`, [deviceIds]);
  return rowCount ?? 0;
}

/** "Chrome on Linux": enough for a person to tell their devices apart. */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? "";
  const browser =
    [
      [/Edg\//, "Edge"],
      [/OPR\//, "Opera"],
      [/Firefox\//, "Firefox"],
      [/Chrom(e|ium)\//, "Chrome"],
      [/Safari\//, "Safari"],
    ].find(([pattern]) => (pattern as RegExp).test(ua))?.[1] ?? "Browser";
  const system =
    [
      [/Android/, "Android"],
      [/iPhone|iPad/, "iOS"],
      [/Windows/, "Windows"],
      [/Mac OS X|Macintosh/, "macOS"],
      [/CrOS/, "ChromeOS"],
      [/Linux/, "Linux"],
    ].find(([pattern]) => (pattern as RegExp).test(ua))?.[1] ?? "";
  return system ? `${browser} on ${system}` : String(browser);
}
