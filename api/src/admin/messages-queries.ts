// Recent messages for moderation: a channel's, or one person's across channels, newest first. Only what the
// admin may moderate (messages/checks.ts checkCanModerate): public channels, and private ones they are in.
// DMs and group DMs stay between their members (an admin can still remove the person). Deleted messages are
// left out: there is nothing left to moderate in them.
import { z } from "@hono/zod-openapi";
import type { Prisma } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../lib/cursor.js";
import type { Db } from "../lib/prisma.js";

export const ModeratedMessageSchema = z
  .object({
    id: z.uuid(),
    seq: z.int(),
    body: z.string(),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
    parentId: z.uuid().nullable(),
    author: z.object({ id: z.uuid(), displayName: z.string(), email: z.string() }),
    channel: z.object({ id: z.uuid(), name: z.string(), kind: z.enum(["public", "private"]) }),
  })
  .openapi("ModeratedMessage");
export type ModeratedMessage = z.infer<typeof ModeratedMessageSchema>;

const CursorSchema = z.tuple([z.iso.datetime(), z.uuid()]);

export async function recentMessages(
  db: Db,
  where: { channelId: string } | { authorId: string },
  viewerId: string,
  limit: number,
  cursor?: string,
): Promise<{ messages: ModeratedMessage[]; nextCursor: string | null }> {
  const after = cursor ? decodeCursor(cursor, CursorSchema) : null;
  const filter: Prisma.MessageWhereInput = {
    ...where,
    deletedAt: null,
    channel: { OR: [{ kind: "public" }, { kind: "private", members: { some: { userId: viewerId } } }] },
    ...(after
      ? {
          OR: [{ createdAt: { lt: new Date(after[0]) } }, { createdAt: new Date(after[0]), id: { lt: after[1] } }],
        }
      : {}),
  };
  const rows = await db.message.findMany({
    where: filter,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      seq: true,
      body: true,
      createdAt: true,
      editedAt: true,
      parentId: true,
      author: { select: { id: true, displayName: true, email: true } },
      channel: { select: { id: true, name: true, kind: true } },
    },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    messages: page.map((m) => ({
      ...m,
      createdAt: m.createdAt.toISOString(),
      editedAt: m.editedAt?.toISOString() ?? null,
      channel: { id: m.channel.id, name: m.channel.name ?? "", kind: m.channel.kind as "public" | "private" },
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}
