// An upload, streamed: the request body is spooled to a temporary file (never whole in memory) while it is
// counted and hashed, then sniffed, rendered when it is an image, put in the storage under random keys
// and recorded — only then does the client get its id. A body cut off halfway, or any failure, removes
// the temporary file and whatever was stored: nothing is left behind. Restarting means uploading again.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { SessionUser } from "../accounts/sessions.js";
import { AppError } from "../errors.js";
import { enforceLimit } from "../lib/rate-limit.js";
import { checkCanPost } from "../messages/checks.js";
import type { Services } from "../services.js";
import { renderImage } from "./images.js";
import { checkFits, fileLimits, quotaExceeded, usedBytes } from "./limits.js";
import { uploadsDir } from "./open-storage.js";
import type { Attachment } from "./schemas.js";
import { sniffFile } from "./sniff.js";

export interface UploadInput {
  channelId: string;
  name: string;
  /** From Content-Length: the body must be exactly this long. */
  size: number;
  body: Readable;
}

export const incomplete = () =>
  new AppError(400, "upload_incomplete", "The upload ended before all of the file arrived; send it again.");

/**
 * Writes the body to `file`, hashing it, one chunk at a time: the next chunk is read only once the last
 * one is on disk, so at most a socket read's worth of the file is in memory.
 */
export async function spool(body: Readable, file: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(file, "wx");
  let seen = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > size) throw incomplete();
      hash.update(chunk);
      await handle.write(chunk);
    }
  } catch (error) {
    throw error instanceof AppError ? error : incomplete();
  } finally {
    await handle.close();
  }
  if (seen !== size) throw incomplete();
  return hash.digest("hex");
}

export async function doUpload(services: Services, actor: SessionUser, input: UploadInput): Promise<Attachment> {
  const { config, db, sql, kv, storage } = services;
  await checkCanPost(sql, actor.id, input.channelId);
  await enforceLimit(kv, { name: "upload", max: config.UPLOADS_PER_MINUTE, windowMs: 60_000 }, actor.id);
  await checkFits(db, sql, input.size);

  const dir = uploadsDir(config);
  await mkdir(dir, { recursive: true });
  const spooled = path.join(dir, randomBytes(16).toString("hex"));
  const key = randomBytes(16).toString("hex");
  const stored: string[] = [];
  try {
    const sha256 = await spool(input.body, spooled, input.size);
    const sniffed = await sniffFile(spooled);
    const image = sniffed.image ? await renderImage(spooled) : null;
    await storage.putFile(key, spooled, input.size);
    stored.push(key);
    if (image) {
      await storage.put(`${key}.thumb`, image.thumb, image.thumb.length);
      stored.push(`${key}.thumb`);
      await storage.put(`${key}.preview`, image.preview, image.preview.length);
      stored.push(`${key}.preview`);
    }
    const attachment: Attachment = {
      id: randomUUID(),
      name: input.name,
      size: input.size,
      mime: sniffed.mime,
      kind: image ? "image" : "file",
      width: image?.width ?? null,
      height: image?.height ?? null,
    };
    await record(services, actor, input.channelId, key, attachment, sha256);
    return attachment;
  } catch (error) {
    await Promise.all(stored.map((k) => storage.delete(k).catch(() => {})));
    throw error;
  } finally {
    await rm(spooled, { force: true });
  }
}

// The quota is asked again in the insert itself: uploads that were checked at once cannot all fit in.
async function record(
  services: Services,
  actor: SessionUser,
  channelId: string,
  key: string,
  a: Attachment,
  sha256: string,
) {
  const { rowCount } = await services.sql.query(
    `INSERT INTO "File" (id, "storageKey", "channelId", "uploaderId", name, size, mime, kind, width, height, sha256, "createdAt")
     SELECT $1::uuid, $2, $3::uuid, $4::uuid, $5, $6::int, $7, $8, $9::int, $10::int, $11, $12::timestamp
     WHERE (SELECT COALESCE(SUM(size), 0) FROM "File" WHERE "deletedAt" IS NULL) + $6::int
       <= (SELECT "fileQuotaBytes" FROM "Workspace" ORDER BY "createdAt" LIMIT 1)`,
    [
      a.id,
      key,
      channelId,
      actor.id,
      a.name,
      a.size,
      a.mime,
      a.kind,
      a.width,
      a.height,
      sha256,
      new Date().toISOString(),
    ],
  );
  if (rowCount === 1) return;
  const limits = await fileLimits(services.db);
  throw quotaExceeded(limits.quotaBytes, await usedBytes(services.sql));
}
