// Full-text search over the messages of the caller's channels (guests included), newest first. Uses the
// stored "Message"."search" tsvector ('simple' config, GIN index) and websearch_to_tsquery, which accepts
// any text: quotes, OR and -word have their web-search meaning; nothing else in the query is syntax.
import { z } from "@hono/zod-openapi";
import { Prisma } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../lib/cursor.js";
import type { Db } from "../lib/prisma.js";
import { type Actor, checkIsMember } from "./access.js";

export interface SearchInput {
  q: string;
  channelId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export const SearchHitSchema = z
  .object({
    id: z.uuid(),
    channelId: z.uuid(),
    seq: z.int(),
    authorId: z.uuid(),
    body: z.string(),
    parentId: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    editedAt: z.iso.datetime().nullable(),
  })
  .openapi("SearchHit");

type HitRow = {
  id: string;
  channelId: string;
  seq: number;
  authorId: string;
  body: string;
  parentId: string | null;
  createdAt: Date;
  editedAt: Date | null;
};

const SearchCursor = z.tuple([z.iso.datetime(), z.uuid()]);

/** Members only, even of public channels: search never reaches past the channels one is in. */
export async function searchMessages(db: Db, actor: Actor, input: SearchInput) {
  if (input.channelId) await checkIsMember(db, actor, input.channelId);
  const conditions = [
    Prisma.sql`m.search @@ websearch_to_tsquery('simple', ${input.q})`,
    Prisma.sql`m."deletedAt" IS NULL`,
  ];
  if (input.channelId) conditions.push(Prisma.sql`m."channelId" = ${input.channelId}::uuid`);
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor, SearchCursor);
    // Times are stored as UTC wall-clock `timestamp`; the cast drops the ISO string's Z the same way.
    conditions.push(Prisma.sql`(m."createdAt", m.id) < (${at}::timestamp, ${id}::uuid)`);
  }
  const rows = await db.$queryRaw<HitRow[]>`
    SELECT m.id, m."channelId", m.seq, m."authorId", m.body, m."parentId", m."createdAt", m."editedAt"
    FROM "Message" m
    JOIN "ChannelMember" cm ON cm."channelId" = m."channelId" AND cm."userId" = ${actor.id}::uuid
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY m."createdAt" DESC, m.id DESC
    LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    hits: page.map((r) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
      editedAt: r.editedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}
