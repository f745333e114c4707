// Full-text search over the messages of the caller's channels (guests included), newest first. Uses the
// stored "Message"."search" tsvector ('simple' config, GIN index). Plain words match as word prefixes;
// a query with quotes, OR or -word goes to websearch_to_tsquery, which accepts any text and gives those
// their web-search meaning; nothing else in the query is syntax.
import { z } from "@hono/zod-openapi";
import { Prisma } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../lib/cursor.js";
import { laggingReader, type Reads } from "../lib/read-replica.js";
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

/** Quotes, OR or -word: the query is meant as web-search syntax, not as plain words. */
export function usesSearchSyntax(q: string): boolean {
  return /"|(^|\s)-\S|\sor\s/i.test(q);
}

/**
 * Plain words match as word prefixes, as people type ("mark" finds "markdown"): PostgreSQL's own parser
 * splits the query as it split the messages, and each word becomes a quoted `'word':*`, AND-ed.
 */
const prefixMatch = (q: string) => Prisma.sql`m.search @@ to_tsquery('simple', (
  SELECT string_agg('''' || replace(replace(lexeme, E'\\\\', E'\\\\\\\\'), '''', '''''') || ''':*', ' & ')
  FROM unnest(to_tsvector('simple', ${q}))))`;

/** The caller's channels as they are now. With a read replica they are read from the primary first and
 * named in the query (the replica may not have replayed a removal yet); without one, a subquery in the
 * same statement, no extra round trip. */
async function memberOf(reads: Reads, actor: Actor) {
  if (!reads.replica) {
    return Prisma.sql`m."channelId" IN (SELECT "channelId" FROM "ChannelMember" WHERE "userId" = ${actor.id}::uuid)`;
  }
  const memberships = await reads.db.channelMember.findMany({
    where: { userId: actor.id },
    select: { channelId: true },
  });
  return Prisma.sql`m."channelId" = ANY(${memberships.map((m) => m.channelId)}::uuid[])`;
}

/** Members only, even of public channels: search never reaches past the channels one is in. */
export async function searchMessages(reads: Reads, actor: Actor, input: SearchInput) {
  const { db } = reads;
  if (input.channelId) await checkIsMember(db, actor, input.channelId);
  const conditions = [
    usesSearchSyntax(input.q)
      ? Prisma.sql`m.search @@ websearch_to_tsquery('simple', ${input.q})`
      : prefixMatch(input.q),
    Prisma.sql`m."deletedAt" IS NULL`,
  ];
  if (input.channelId) conditions.push(Prisma.sql`m."channelId" = ${input.channelId}::uuid`);
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor, SearchCursor);
    // Times are stored as UTC wall-clock `timestamp`; the cast drops the ISO string's Z the same way.
    conditions.push(Prisma.sql`(m."createdAt", m.id) < (${at}::timestamp, ${id}::uuid)`);
  }
  conditions.push(await memberOf(reads, actor));
  const rows = await laggingReader(
    reads,
    (reader) => reader.$queryRaw<HitRow[]>`
      SELECT m.id, m."channelId", m.seq, m."authorId", m.body, m."parentId", m."createdAt", m."editedAt"
      FROM "Message" m
      WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY m."createdAt" DESC, m.id DESC
      LIMIT ${input.limit + 1}`,
  );
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
