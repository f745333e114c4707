import type { Db } from "../lib/prisma.js";

export const listSessions = (db: Db, userId: string) =>
  db.session.findMany({ where: { userId, expiresAt: { gt: new Date() } }, orderBy: { lastUsedAt: "desc" } });
