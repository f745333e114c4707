// Dashboard numbers: users by (effective) state and by role, sign-ins per UTC day from the audit log.
import type { Db } from "../lib/prisma.js";

const DAY_MS = 24 * 60 * 60 * 1000;
export const SIGN_IN_DAYS = 30;

export async function userStats(db: Db) {
  const now = new Date();
  const [states, roles] = await Promise.all([
    db.$queryRaw<{ state: "active" | "deactivated" | "banned"; count: number }[]>`
      SELECT CASE WHEN "state" = 'banned' AND "bannedUntil" <= ${now} THEN 'active' ELSE "state"::text END AS "state",
             count(*)::int AS "count"
      FROM "User" GROUP BY 1`,
    db.user.groupBy({ by: ["role"], _count: { _all: true } }),
  ]);
  const byState = { active: 0, deactivated: 0, banned: 0 };
  for (const row of states) byState[row.state] = row.count;
  const byRole = { owner: 0, admin: 0, member: 0, guest: 0 };
  for (const row of roles) byRole[row.role] = row._count._all;
  return { total: byState.active + byState.deactivated + byState.banned, byState, byRole };
}

/** Successful sign-ins per UTC day for the last 30 days (today included), days without any as 0. */
export async function signInsPerDay(db: Db) {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const since = new Date(today - (SIGN_IN_DAYS - 1) * DAY_MS);
  const rows = await db.$queryRaw<{ day: string; count: number }[]>`
    SELECT to_char(date_trunc('day', "at"), 'YYYY-MM-DD') AS "day", count(*)::int AS "count"
    FROM "AuditLog" WHERE "action" = 'auth.login' AND "at" >= ${since}
    GROUP BY 1`;
  const counts = new Map(rows.map((row) => [row.day, row.count]));
  return Array.from({ length: SIGN_IN_DAYS }, (_, i) => {
    const day = new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    return { day, count: counts.get(day) ?? 0 };
  });
}
