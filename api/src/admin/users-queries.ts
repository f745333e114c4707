// The admin user list: prefix search on email or display name, filters, sort, keyset pagination.
// Raw SQL so the prefix match is a plain `LIKE 'prefix%'` on the lower-cased columns, which the
// text_pattern_ops indexes (User_email_prefix_idx, User_nameKey_prefix_idx) serve.
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
  const now = new Date();
  const column = COLUMN[search.sort];
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
  if (search.cursor) {
    const [sort, order, key, id] = decodeCursor(search.cursor, CursorSchema);
    if (sort !== search.sort || order !== search.order) {
      throw badRequest("invalid_cursor", "This cursor belongs to another sort order.");
    }
    const value = search.sort === "createdAt" ? Prisma.sql`${new Date(key)}` : Prisma.sql`${key}`;
    const after = search.order === "asc" ? Prisma.sql`>` : Prisma.sql`<`;
    conditions.push(Prisma.sql`(${column}, "id") ${after} (${value}, ${id}::uuid)`);
  }
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const direction = search.order === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const rows = await db.$queryRaw<UserRow[]>`
    SELECT "id", "email", "displayName", "role", "state", "banReason", "bannedUntil", "avatarUrl", "statusText",
           "timeZone", "lastSeenAt", "createdAt", ("passwordHash" IS NOT NULL) AS "hasPassword", ${column} AS "key"
    FROM "User" ${where}
    ORDER BY ${column} ${direction}, "id" ${direction}
    LIMIT ${search.limit + 1}`;
  const page = rows.slice(0, search.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > search.limit && last ? encodeCursor([search.sort, search.order, keyString(last.key), last.id]) : null;
  return { users: page, nextCursor };
}

const keyString = (key: unknown) => (key instanceof Date ? key.toISOString() : String(key));

export async function getUser(db: Db, id: string) {
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw notFound("User");
  return user;
}
