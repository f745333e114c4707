// The threads I take part in (started, or replied to) across the channels I am a member of now, the most
// recently answered first: each first message as history shows it, with the newest reply's seq and author
// and my own newest reply's seq, from which a client tells what is unread.
import { z } from "@hono/zod-openapi";
import type { Db } from "../lib/prisma.js";
import type { Actor } from "./access.js";
import { withReactions } from "./history.js";
import { MessageSchema } from "./schemas.js";

export const MyThreadSchema = z
  .object({
    root: MessageSchema,
    lastReplySeq: z.int(),
    lastReplyAuthorId: z.uuid(),
    /** 0 when I have not replied (I started it). */
    myLastReplySeq: z.int(),
  })
  .openapi("MyThread");

type Row = { id: string; lastReplySeq: number; lastReplyAuthorId: string; myLastReplySeq: number };

export async function listMyThreads(db: Db, actor: Actor, limit: number) {
  const rows = await db.$queryRaw<Row[]>`
    SELECT r.id, last.seq AS "lastReplySeq", last."authorId" AS "lastReplyAuthorId",
      COALESCE(mine.seq, 0) AS "myLastReplySeq"
    FROM "Message" r
    JOIN "ChannelMember" cm ON cm."channelId" = r."channelId" AND cm."userId" = ${actor.id}::uuid
    CROSS JOIN LATERAL (
      SELECT x.seq, x."authorId" FROM "Message" x WHERE x."parentId" = r.id ORDER BY x.seq DESC LIMIT 1
    ) last
    LEFT JOIN LATERAL (
      SELECT max(x.seq) AS seq FROM "Message" x WHERE x."parentId" = r.id AND x."authorId" = ${actor.id}::uuid
    ) mine ON true
    WHERE r."parentId" IS NULL AND r."replyCount" > 0 AND r."deletedAt" IS NULL
      AND (r."authorId" = ${actor.id}::uuid OR mine.seq IS NOT NULL)
    ORDER BY last.seq DESC, r.id
    LIMIT ${limit}`;
  if (rows.length === 0) return { threads: [] };
  const found = await db.message.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
  const views = new Map((await withReactions(db, actor.id, found)).map((m) => [m.id, m]));
  return {
    threads: rows.flatMap((r) => {
      const root = views.get(r.id);
      return root
        ? [
            {
              root,
              lastReplySeq: r.lastReplySeq,
              lastReplyAuthorId: r.lastReplyAuthorId,
              myLastReplySeq: r.myLastReplySeq,
            },
          ]
        : [];
    }),
  };
}
