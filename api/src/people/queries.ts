// The member directory: active people by name, a page at a time, with presence from Redis. Members see
// every active member and guest; a guest sees only the people they share a channel with (and themselves),
// as in Slack and Mattermost. The name filter matches the start of the name or of any word in it.
import { z } from "@hono/zod-openapi";
import type { SessionUser } from "../accounts/sessions.js";
import { prefixPattern } from "../admin/users-queries.js";
import { notFound } from "../errors.js";
import { Prisma, type Role } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../lib/cursor.js";
import { statusesOf } from "../presence/announce.js";
import type { Services } from "../services.js";
import type { Person } from "./schemas.js";

type Viewer = Pick<SessionUser, "id" | "role">;
type PersonRow = Omit<Person, "presence" | "lastSeenAt"> & { nameKey: string; role: Role; lastSeenAt: Date | null };

const NameCursor = z.tuple([z.string().max(256), z.uuid()]);

/** Who the viewer may see: everyone but for guests, who see only the people of their channels. */
function visibleTo(viewer: Viewer): Prisma.Sql {
  if (viewer.role !== "guest") return Prisma.sql`TRUE`;
  return Prisma.sql`(u.id = ${viewer.id}::uuid OR EXISTS (
    SELECT 1 FROM "ChannelMember" g JOIN "ChannelMember" o ON o."channelId" = g."channelId"
    WHERE g."userId" = ${viewer.id}::uuid AND o."userId" = u.id))`;
}

/** Not deactivated and not under a ban (an expired ban is over). */
const usable = (now: Date) => Prisma.sql`(u.state = 'active' OR (u.state = 'banned' AND u."bannedUntil" <= ${now}))`;

const columns = Prisma.sql`u.id, u."displayName", u."nameKey", u."avatarUrl", u."statusText", u."statusEmoji",
  u."timeZone", u.role, u."lastSeenAt"`;

async function withPresence(services: Services, rows: PersonRow[]): Promise<Person[]> {
  const statuses = await statusesOf(
    services.kv,
    rows.map((r) => r.id),
  );
  return rows.map(({ nameKey: _, lastSeenAt, ...r }, i) => ({
    ...r,
    presence: statuses[i] ?? "offline",
    lastSeenAt: lastSeenAt?.toISOString() ?? null,
  }));
}

export interface DirectorySearch {
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export async function listPeople(services: Services, viewer: Viewer, search: DirectorySearch) {
  const conditions = [usable(new Date()), visibleTo(viewer)];
  if (search.q) {
    const pattern = prefixPattern(search.q);
    conditions.push(Prisma.sql`(u."nameKey" LIKE ${pattern} OR u."nameKey" LIKE ${`% ${pattern}`})`);
  }
  if (search.cursor) {
    const [key, id] = decodeCursor(search.cursor, NameCursor);
    conditions.push(
      Prisma.sql`(u."nameKey" COLLATE "C" > ${key} OR (u."nameKey" COLLATE "C" = ${key} AND u.id > ${id}::uuid))`,
    );
  }
  const rows = await services.db.$queryRaw<PersonRow[]>`
    SELECT ${columns} FROM "User" u
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY u."nameKey" COLLATE "C", u.id
    LIMIT ${search.limit + 1}`;
  const page = rows.slice(0, search.limit);
  const last = page.at(-1);
  return {
    people: await withPresence(services, page),
    nextCursor: rows.length > search.limit && last ? encodeCursor([last.nameKey, last.id]) : null,
  };
}

/** One person as the viewer may see them; 404 for anyone they may not see (or who is gone). */
export async function getPerson(services: Services, viewer: Viewer, id: string): Promise<Person> {
  const rows = await services.db.$queryRaw<PersonRow[]>`
    SELECT ${columns} FROM "User" u
    WHERE u.id = ${id}::uuid AND ${usable(new Date())} AND ${visibleTo(viewer)}`;
  const [person] = await withPresence(services, rows);
  if (!person) throw notFound("Person");
  return person;
}

/** Presence now of those of `userIds` the viewer may see (others are left out, as if unknown). */
export async function presenceOf(services: Services, viewer: Viewer, userIds: string[]) {
  const wanted = [...new Set(userIds)];
  const rows = await services.db.$queryRaw<{ id: string; lastSeenAt: Date | null }[]>`
    SELECT u.id, u."lastSeenAt" FROM "User" u
    WHERE u.id = ANY(${wanted}::uuid[]) AND ${visibleTo(viewer)}`;
  const statuses = await statusesOf(
    services.kv,
    rows.map((r) => r.id),
  );
  return rows.map((r, i) => {
    const status = statuses[i] ?? "offline";
    return { userId: r.id, status, lastSeenAt: status === "offline" ? (r.lastSeenAt?.toISOString() ?? null) : null };
  });
}
