// The admin user list: prefix search on email or display name, filters, sort, keyset pagination.
// Raw SQL so that the text_pattern_ops indexes (User_email_prefix_idx, User_nameKey_prefix_idx) serve
// both the prefix match (a plain `LIKE 'prefix%'` on the lower-cased columns) and the order: names and
// emails sort bytewise with those indexes' own operators (~<~), the same on every server, whatever the
// database's collation. EXPLAINed on 100,000 users in api/scripts/bench-user-search.ts.
import { z } from "@hono/zod-openapi";
import { badRequest, notFound } from "../errors.js";
import { Prisma, type User } from "../generated/prisma/client.js";
import { decodeCursor, encodeCursor } from "../lib/cursor.js";
import type { Db } from "../lib/prisma.js";

export const USER_SORTS = ["createdAt", "name", "email"] as const;
export type UserSort = (typeof USER_SORTS)[number];

export interface UserSearch {
  q?: string | undefined;
  role?: User["role"] | undefined;
  state?: User["state"] | undefined;
  sort: UserSort;
  order: "asc" | "desc";
  limit: number;
  cursor?: string | undefined;
}

const COLUMN: Record<UserSort, Prisma.Sql> = {
  createdAt: Prisma.sql`"createdAt"`,
  name: Prisma.sql`"nameKey"`,
  email: Prisma.sql`"email"`,
};

const CursorSchema = z.tuple([z.enum(USER_SORTS), z.enum(["asc", "desc"]), z.string(), z.uuid()]);

export type UserRow = Omit<User, "passwordHash" | "nameKey" | "updatedAt"> & { hasPassword: boolean; key: unknown };

/** `LIKE` pattern for "starts with": the user's %, _ and \ match themselves. */
export const prefixPattern = (prefix: string) => `${prefix.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;

export async function searchUsers(db: Db, search: UserSearch) {
  const conditions = filters(search);
  if (search.cursor) conditions.push(after(search, search.cursor));
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const select = Prisma.sql`
    SELECT "id", "email", "nameKey", "displayName", "role", "state", "banReason", "bannedUntil", "avatarUrl",
           "statusText", "statusEmoji", "timeZone", "lastSeenAt", "createdAt", ("passwordHash" IS NOT NULL) AS "hasPassword",
           ${COLUMN[search.sort]} AS "key"
    FROM "User" ${where}`;
  const order = orderBy(search);
  const limit = search.limit + 1;
  // With a prefix, the matches come from the prefix indexes and are sorted after: the fence (OFFSET 0)
  // keeps the planner from walking a whole sort index in the hope of meeting enough matches early.
  const source = search.q ? Prisma.sql`SELECT * FROM (${select} OFFSET 0) AS "matches"` : select;
  const rows = await db.$queryRaw<UserRow[]>`${source} ORDER BY ${order} LIMIT ${limit}`;
  const page = rows.slice(0, search.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > search.limit && last ? encodeCursor([search.sort, search.order, keyString(last.key), last.id]) : null;
  return { users: page, nextCursor };
}

function filters(search: UserSearch): Prisma.Sql[] {
  const now = new Date();
  const conditions: Prisma.Sql[] = [];
  if (search.q) {
    const pattern = prefixPattern(search.q);
    conditions.push(Prisma.sql`("email" LIKE ${pattern} OR "nameKey" LIKE ${pattern})`);
  }
  if (search.role) conditions.push(Prisma.sql`"role" = ${search.role}::"Role"`);
  if (search.state === "active") {
    conditions.push(Prisma.sql`("state" = 'active' OR ("state" = 'banned' AND "bannedUntil" <= ${now}))`);
  } else if (search.state === "banned") {
    conditions.push(Prisma.sql`("state" = 'banned' AND ("bannedUntil" IS NULL OR "bannedUntil" > ${now}))`);
  } else if (search.state) {
    conditions.push(Prisma.sql`"state" = ${search.state}::"UserState"`);
  }
  return conditions;
}

function orderBy({ sort, order }: UserSearch) {
  const direction = Prisma.raw(order === "asc" ? "ASC" : "DESC");
  if (sort === "createdAt") return Prisma.sql`"createdAt" ${direction}, "id" ${direction}`;
  return Prisma.sql`${COLUMN[sort]} USING ${Prisma.raw(order === "asc" ? "~<~" : "~>~")}, "id" ${direction}`;
}

/**
 * Rows strictly after the cursor's row in the list's order. Each first comparison is implied by the
 * rest; it is there so that the index scan starts at the cursor instead of at the top of the list.
 */
function after(search: UserSearch, cursor: string) {
  const [sort, order, key, id] = decodeCursor(cursor, CursorSchema);
  if (sort !== search.sort || order !== search.order) {
    throw badRequest("invalid_cursor", "This cursor belongs to another sort order.");
  }
  const beyond = Prisma.raw(order === "asc" ? ">" : "<");
  if (sort === "createdAt") {
    const at = new Date(key);
    const fromAt = Prisma.raw(order === "asc" ? ">=" : "<=");
    return Prisma.sql`"createdAt" ${fromAt} ${at} AND ("createdAt", "id") ${beyond} (${at}, ${id}::uuid)`;
  }
  const column = COLUMN[sort];
  const beyondKey = Prisma.raw(order === "asc" ? "~>~" : "~<~");
  const fromKey = Prisma.raw(order === "asc" ? "~>=~" : "~<=~");
  return Prisma.sql`${column} ${fromKey} ${key} AND (${column} ${beyondKey} ${key} OR (${column} = ${key} AND "id" ${beyond} ${id}::uuid))`;
}

const keyString = (key: unknown) => (key instanceof Date ? key.toISOString() : String(key));

export async function getUser(db: Db, id: string) {
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw notFound("User");
  return user;
}
