// Profile pictures through the files capability: the image is spooled, sniffed and re-encoded like any
// upload (sharp: upright, metadata stripped), as one 256 px square WebP in the file storage under a random
// key. The user's avatarUrl then names it: /api/files/avatars/{userId}/{key}. No File row: an avatar belongs
// to no channel and no message, so the channel rule of files/access.ts cannot apply; instead it is served to
// whoever may see its owner in the directory (people/queries.ts: every member; a guest only the people of
// their channels), asked on every request, and only while it is the owner's current picture. The small
// rendition is all that is kept (a few tens of KB), so it is not counted against the workspace's file quota.

import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { SessionUser } from "../accounts/sessions.js";
import { AppError, notFound } from "../errors.js";
import { enforceLimit } from "../lib/rate-limit.js";
import { getPerson } from "../people/queries.js";
import type { Services } from "../services.js";
import { fileLimits, fileTooLarge } from "./limits.js";
import { loadSharp } from "./load-sharp.js";
import { uploadsDir } from "./open-storage.js";
import { sniffFile } from "./sniff.js";
import { spool } from "./upload.js";

/** A picture larger than this is refused before a byte is read (and never more than the file limit). */
export const AVATAR_MAX_BYTES = 10 * 1024 * 1024;
export const AVATAR_SIZE = 256;
const MAX_PIXELS = 16_384 * 16_384;

const PATH = /^\/api\/files\/avatars\/([0-9a-f-]{36})\/([0-9a-f]{32})$/;
export const avatarPath = (userId: string, key: string) => `/api/files/avatars/${userId}/${key}`;
const objectKey = (key: string) => `${key}.avatar`;

/** Stores the picture and makes it the user's avatar; the previous uploaded one is removed. */
export async function doSetAvatar(services: Services, actor: SessionUser, input: { size: number; body: Readable }) {
  const { config, db, kv, storage } = services;
  await enforceLimit(kv, { name: "upload", max: config.UPLOADS_PER_MINUTE, windowMs: 60_000 }, actor.id);
  const { maxBytes } = await fileLimits(db);
  const max = Math.min(maxBytes, AVATAR_MAX_BYTES);
  if (input.size > max) throw fileTooLarge(max);

  const dir = uploadsDir(config);
  await mkdir(dir, { recursive: true });
  const spooled = path.join(dir, randomBytes(16).toString("hex"));
  const key = randomBytes(16).toString("hex");
  try {
    await spool(input.body, spooled, input.size);
    const notImage = new AppError(
      400,
      "not_an_image",
      "A profile picture must be a PNG, JPEG, GIF, WebP or AVIF image.",
    );
    if (!(await sniffFile(spooled)).image) throw notImage;
    const square = await (await loadSharp())(spooled, { limitInputPixels: MAX_PIXELS, failOn: "error" })
      .rotate()
      .resize({ width: AVATAR_SIZE, height: AVATAR_SIZE, fit: "cover" })
      .webp({ quality: 80 })
      .toBuffer()
      .catch(() => {
        throw notImage;
      });
    await storage.put(objectKey(key), square, square.length);
    const before = await db.user.findUnique({ where: { id: actor.id }, select: { avatarUrl: true } });
    const avatarUrl = avatarPath(actor.id, key);
    try {
      await db.user.update({ where: { id: actor.id }, data: { avatarUrl } });
    } catch (error) {
      await storage.delete(objectKey(key)).catch(() => {});
      throw error;
    }
    await removeUploaded(services, actor.id, before?.avatarUrl ?? null);
    return { avatarUrl };
  } finally {
    await rm(spooled, { force: true });
  }
}

/** Removes the stored picture an old avatarUrl named, if it was one of ours (a URL avatar has none). */
export async function removeUploaded(services: Services, userId: string, avatarUrl: string | null) {
  const match = avatarUrl ? PATH.exec(avatarUrl) : null;
  if (!match || match[1] !== userId || !match[2]) return;
  await services.storage.delete(objectKey(match[2])).catch((err: unknown) => {
    services.logger.warn({ err, userId }, "could not remove a replaced profile picture");
  });
}

/** The picture's bytes, if the viewer may see its owner and it is the owner's current one; 404 otherwise. */
export async function openAvatar(services: Services, viewer: SessionUser, userId: string, key: string) {
  const person = await getPerson(services, viewer, userId);
  if (person.avatarUrl !== avatarPath(userId, key)) throw notFound("Picture");
  const stream = await services.storage.get(objectKey(key));
  if (!stream) throw notFound("Picture");
  return stream;
}
