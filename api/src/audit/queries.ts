// Reading the audit log: filters, newest first, keyset pagination on (at, id).
import { z } from "@hono/zod-openapi";
import type { AuditLog, Prisma } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../lib/cursor.js";
import type { Db } from "../lib/prisma.js";
import type { AuditAction } from "./record.js";

export interface AuditQuery {
  actorId?: string | undefined;
  action?: AuditAction | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

const CursorSchema = z.tuple([z.iso.datetime(), z.string().regex(/^\d+$/)]);

export async function listAudit(db: Db, query: AuditQuery) {
  const where: Prisma.AuditLogWhereInput[] = [];
  if (query.actorId) where.push({ actorId: query.actorId });
  if (query.action) where.push({ action: query.action });
  if (query.targetId) where.push({ targetId: query.targetId });
  if (query.from) where.push({ at: { gte: query.from } });
  if (query.to) where.push({ at: { lt: query.to } });
  if (query.cursor) {
    const [iso, id] = decodeCursor(query.cursor, CursorSchema);
    const at = new Date(iso);
    where.push({ OR: [{ at: { lt: at } }, { at, id: { lt: BigInt(id) } }] });
  }
  const rows = await db.auditLog.findMany({
    where: { AND: where },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    entries: page,
    people: await peopleIn(db, page),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.at.toISOString(), String(last.id)]) : null,
  };
}

/** Names for the actors and user targets of a page, so a reader sees who rather than ids. */
async function peopleIn(db: Db, entries: AuditLog[]) {
  const ids = new Set<string>();
  for (const entry of entries) {
    if (entry.actorId) ids.add(entry.actorId);
    if (entry.targetType === "user" && entry.targetId) ids.add(entry.targetId);
  }
  const users = await db.user.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, email: true, displayName: true },
  });
  return new Map(users.map((user) => [user.id, user]));
}
