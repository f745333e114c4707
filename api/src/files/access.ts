// Who may fetch a file, asked on every request as they are now: before it is sent, only its uploader;
// once its message is stored, whoever may read the channel (channels/access.ts: members, and non-guests
// for a public channel). A deleted file, or one whose message was deleted, is gone for everyone.
import type { Actor } from "../channels/access.js";
import { checkCanView } from "../channels/access.js";
import { forbidden, notFound } from "../errors.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";

export interface FileRow {
  id: string;
  storageKey: string;
  channelId: string;
  uploaderId: string;
  messageId: string | null;
  name: string;
  size: number;
  mime: string;
  kind: "image" | "file";
  width: number | null;
  height: number | null;
  sha256: string;
  createdAt: Date;
  deletedAt: Date | null;
  /** Its message was deleted. */
  messageDeleted: boolean;
}

export const FILE_COLUMNS = `f.id, f."storageKey", f."channelId", f."uploaderId", f."messageId", f.name, f.size, f.mime,
  f.kind, f.width, f.height, f.sha256, f."createdAt", f."deletedAt", COALESCE(m."deletedAt" IS NOT NULL, false) AS "messageDeleted"`;

export async function findFile(sql: Sql, fileId: string): Promise<FileRow | null> {
  const { rows } = await sql.query<FileRow>({
    name: "find-file",
    text: `SELECT ${FILE_COLUMNS} FROM "File" f LEFT JOIN "Message" m ON m.id = f."messageId" WHERE f.id = $1::uuid`,
    values: [fileId],
  });
  return rows[0] ?? null;
}

/** The file, if `actor` may fetch it now: 404 when there is none (or no longer), 403 when not theirs to see. */
export async function checkCanFetch(db: Db, sql: Sql, actor: Actor, fileId: string): Promise<FileRow> {
  const file = await findFile(sql, fileId);
  if (!file) throw notFound("File");
  if (file.messageId === null) {
    if (file.uploaderId !== actor.id) throw forbidden("Only its uploader can see a file that was not sent yet.");
  } else {
    await checkCanView(db, actor, file.channelId);
  }
  if (file.deletedAt || file.messageDeleted) throw notFound("File");
  return file;
}
