// Reads: a channel's files (its Files tab), newest first, optionally by name; and, for admins, usage per
// user and the workspace's files.
import type { Actor } from "../channels/access.js";
import { checkCanView } from "../channels/access.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";
import type { ChannelFile } from "./schemas.js";

/** `%`, `_` and `\` in a search are themselves, not LIKE's wildcards. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface FilePage {
  q?: string | undefined;
  /** Older than this (a createdAt from the previous page). */
  before?: string | undefined;
  limit: number;
}

const VISIBLE = `f."deletedAt" IS NULL AND f."messageId" IS NOT NULL AND m."deletedAt" IS NULL`;

export async function listChannelFiles(db: Db, sql: Sql, actor: Actor, channelId: string, page: FilePage) {
  await checkCanView(db, actor, channelId);
  const { rows } = await sql.query<ChannelFile & { createdAt: Date }>(
    `SELECT f.id, f.name, f.size, f.mime, f.kind, f.width, f.height, f."channelId", f."messageId", f."uploaderId",
       u."displayName" AS "uploaderName", f."createdAt"
     FROM "File" f JOIN "Message" m ON m.id = f."messageId" JOIN "User" u ON u.id = f."uploaderId"
     WHERE f."channelId" = $1::uuid AND ${VISIBLE}
       AND ($2::text IS NULL OR f.name ILIKE $2) AND ($3::timestamp IS NULL OR f."createdAt" < $3::timestamp)
     ORDER BY f."createdAt" DESC, f.id LIMIT $4`,
    [channelId, page.q ? likePattern(page.q) : null, page.before ?? null, page.limit + 1],
  );
  const files = rows.slice(0, page.limit).map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  return { files, hasMore: rows.length > page.limit };
}

export interface UserUsage {
  userId: string;
  displayName: string;
  email: string;
  files: number;
  bytes: number;
}

export async function usageByUser(sql: Sql): Promise<UserUsage[]> {
  const { rows } = await sql.query<UserUsage>(
    `SELECT u.id AS "userId", u."displayName", u.email, count(*)::int AS files, SUM(f.size)::int8 AS bytes
     FROM "File" f JOIN "User" u ON u.id = f."uploaderId" WHERE f."deletedAt" IS NULL
     GROUP BY u.id ORDER BY bytes DESC, u.email LIMIT 200`,
  );
  return rows;
}

export interface AdminFile {
  id: string;
  name: string;
  size: number;
  mime: string;
  kind: string;
  channelId: string;
  channelName: string | null;
  uploaderId: string;
  uploaderName: string;
  sent: boolean;
  createdAt: string;
}

/** The workspace's files, newest first, by name or uploader; metadata only (admins do not read them here). */
export async function listAllFiles(
  sql: Sql,
  page: { q?: string | undefined; userId?: string | undefined; limit: number },
) {
  const { rows } = await sql.query<AdminFile & { createdAt: Date }>(
    `SELECT f.id, f.name, f.size, f.mime, f.kind, f."channelId", c.name AS "channelName", f."uploaderId",
       u."displayName" AS "uploaderName", f."messageId" IS NOT NULL AS sent, f."createdAt"
     FROM "File" f JOIN "User" u ON u.id = f."uploaderId" LEFT JOIN "Channel" c ON c.id = f."channelId"
     WHERE f."deletedAt" IS NULL AND ($1::text IS NULL OR f.name ILIKE $1) AND ($2::uuid IS NULL OR f."uploaderId" = $2::uuid)
     ORDER BY f."createdAt" DESC, f.id LIMIT $3`,
    [page.q ? likePattern(page.q) : null, page.userId ?? null, page.limit],
  );
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}
