// What a user's page in the dashboard shows besides the account itself: the channels they are in and
// their sessions (each a signed-in browser). Their messages are in messages-queries.ts, their audit trail
// is the audit list filtered by target.
import { z } from "@hono/zod-openapi";
import type { Db } from "../lib/prisma.js";

export const UserChannelSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(["public", "private"]),
    role: z.enum(["admin", "member"]),
    joinedAt: z.iso.datetime(),
    archived: z.boolean(),
  })
  .openapi("UserChannel");

export const UserSessionSchema = z
  .object({
    id: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .openapi("UserSession");

export type UserChannel = z.infer<typeof UserChannelSchema>;
export type UserSession = z.infer<typeof UserSessionSchema>;

/** Public and private channels, by name; how many DMs and group DMs they are in, without whom. */
export async function channelsOfUser(db: Db, userId: string) {
  const [rows, conversations] = await Promise.all([
    db.channelMember.findMany({
      where: { userId, channel: { kind: { in: ["public", "private"] } } },
      select: {
        role: true,
        joinedAt: true,
        channel: { select: { id: true, name: true, kind: true, archivedAt: true } },
      },
      orderBy: { channel: { name: "asc" } },
      take: 500,
    }),
    db.channelMember.count({ where: { userId, channel: { kind: { in: ["dm", "group"] } } } }),
  ]);
  return {
    channels: rows.map((r) => ({
      id: r.channel.id,
      name: r.channel.name ?? "",
      kind: r.channel.kind as "public" | "private",
      role: r.role,
      joinedAt: r.joinedAt.toISOString(),
      archived: r.channel.archivedAt !== null,
    })),
    conversations,
  };
}

/** Sessions still valid, most recently used first. */
export async function sessionsOfUser(db: Db, userId: string) {
  const rows = await db.session.findMany({
    where: { userId, expiresAt: { gt: new Date() } },
    orderBy: { lastUsedAt: "desc" },
    take: 100,
  });
  return rows.map((s) => ({
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
  }));
}
