import { z } from "@hono/zod-openapi";
import type { Invite, Prisma } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../lib/cursor.js";
import type { Db } from "../lib/prisma.js";

export type InviteStatus = "active" | "expired" | "used_up" | "revoked";

export function inviteStatus(invite: Invite, now = new Date()): InviteStatus {
  if (invite.revokedAt) return "revoked";
  if (invite.expiresAt <= now) return "expired";
  if (invite.uses >= invite.maxUses) return "used_up";
  return "active";
}

const CursorSchema = z.tuple([z.iso.datetime(), z.uuid()]);

/** Newest first; `activeOnly` keeps the invites that can still be used. */
export async function listInvites(db: Db, query: { activeOnly: boolean; limit: number; cursor?: string | undefined }) {
  const where: Prisma.InviteWhereInput[] = [];
  if (query.activeOnly) {
    where.push({ revokedAt: null, expiresAt: { gt: new Date() }, uses: { lt: db.invite.fields.maxUses } });
  }
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, CursorSchema);
    const createdAt = new Date(at);
    where.push({ OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] });
  }
  const rows = await db.invite.findMany({
    where: { AND: where },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    invites: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}
