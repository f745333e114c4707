// What changes files outside of an upload: which uploads a send may carry, an uploader taking back a file
// not sent yet, and an admin deleting any file (audited). Deleting marks the row; the reaper removes the
// bytes from the storage.
import type { SessionUser } from "../accounts/sessions.js";
import { recordAudit } from "../audit/record.js";
import { badRequest, forbidden, notFound } from "../errors.js";
import type { Sql } from "../lib/sql.js";
import { emitChannelEvents } from "../realtime/emit.js";
import type { Services } from "../services.js";
import type { Attachment } from "./schemas.js";

/**
 * The metadata a send carries for `ids`: each must be the sender's own upload to this channel, not sent
 * with another message and not deleted. The persister binds them to the message when it stores it.
 */
export async function checkAttachments(sql: Sql, actorId: string, channelId: string, ids: string[]) {
  if (ids.length === 0) return [];
  if (new Set(ids).size !== ids.length) throw badRequest("bad_attachments", "A file can be attached once.");
  const { rows } = await sql.query<Attachment & { uploaderId: string; channelId: string; messageId: string | null }>(
    `SELECT id, name, size, mime, kind, width, height, "uploaderId", "channelId", "messageId"
     FROM "File" WHERE id = ANY($1::uuid[]) AND "deletedAt" IS NULL`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id): Attachment => {
    const r = byId.get(id);
    if (!r || r.uploaderId !== actorId)
      throw badRequest("bad_attachments", "Attach only files you uploaded and have not deleted.");
    if (r.channelId !== channelId)
      throw badRequest("bad_attachments", "A file goes with a message in the channel it was uploaded to.");
    if (r.messageId) throw badRequest("bad_attachments", "That file was sent with another message already.");
    return { id: r.id, name: r.name, size: r.size, mime: r.mime, kind: r.kind, width: r.width, height: r.height };
  });
}

/** The uploader takes back a file before sending it (the composer's remove button). */
export async function doRemovePending(services: Services, actor: SessionUser, fileId: string) {
  const { rows } = await services.sql.query<{ uploaderId: string; messageId: string | null }>(
    `SELECT "uploaderId", "messageId" FROM "File" WHERE id = $1::uuid AND "deletedAt" IS NULL`,
    [fileId],
  );
  const file = rows[0];
  if (!file) throw notFound("File");
  if (file.uploaderId !== actor.id) throw forbidden("Only its uploader can remove a file before it is sent.");
  if (file.messageId) throw forbidden("This file was sent: delete its message instead.", "already_sent");
  await services.sql.query(
    `UPDATE "File" SET "deletedAt" = $2::timestamp WHERE id = $1::uuid AND "messageId" IS NULL AND "deletedAt" IS NULL`,
    [fileId, new Date().toISOString()],
  );
}

/**
 * An admin deletes any file: it stops being served at once, leaves its message's attachments, and the
 * audit log records who deleted what (name, size, uploader, channel), in the same transaction; then an
 * attachmentRemoved event tells the channel.
 */
export async function doAdminDeleteFile(
  services: Services,
  actor: { id: string; ip?: string | undefined },
  fileId: string,
  reason?: string | undefined,
) {
  const file = await services.db.$transaction(async (tx) => {
    const file = await tx.file.findUnique({ where: { id: fileId } });
    if (!file || file.deletedAt) throw notFound("File");
    await tx.file.update({ where: { id: fileId }, data: { deletedAt: new Date() } });
    if (file.messageId) {
      await tx.$executeRaw`UPDATE "Message" SET attachments = COALESCE(
          (SELECT jsonb_agg(a) FROM jsonb_array_elements(attachments) a WHERE a->>'id' <> ${fileId}), '[]'::jsonb)
        WHERE id = ${file.messageId}::uuid`;
      // The message's stored creation event too: replays and resyncs no longer name the file.
      await tx.$executeRaw`UPDATE "ChannelEvent" e SET payload = jsonb_set(e.payload, '{data,attachments}', m.attachments)
        FROM "Message" m WHERE m.id = ${file.messageId}::uuid AND e."channelId" = m."channelId" AND e.seq = m.seq`;
    }
    await recordAudit(tx, {
      actorId: actor.id,
      action: "file.deleted",
      targetType: "file",
      targetId: fileId,
      reason: reason ?? null,
      ip: actor.ip ?? null,
      details: {
        name: file.name,
        size: file.size,
        mime: file.mime,
        uploaderId: file.uploaderId,
        channelId: file.channelId,
        messageId: file.messageId,
      },
    });
    return file;
  });
  // After the commit, through the channel's ordered log: clients showing the message drop the file at once,
  // and one that resumes later replays it in its place. (If the log cannot take it, the deletion stands:
  // the file is no longer served, and the message loads without it.)
  if (!file.messageId) return;
  const event = { channelId: file.channelId, actorId: actor.id, data: { messageId: file.messageId, fileId } };
  await emitChannelEvents(services.log, [{ type: "attachmentRemoved", ...event }]).catch((err: unknown) =>
    services.logger.error({ err, fileId }, "file deleted, but the message log did not take attachmentRemoved"),
  );
}
