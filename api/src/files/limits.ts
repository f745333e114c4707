// The workspace's file limits (admin settings): the largest file one upload may be, and how much all files
// together may take. Usage counts every file not deleted, sent or still pending.
import { AppError } from "../errors.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";

/** The largest value the per-file limit can be set to (the size column is a 32-bit integer). */
export const MAX_FILE_BYTES_LIMIT = 2_000_000_000;

export interface FileLimits {
  maxBytes: number;
  quotaBytes: number;
}

export async function fileLimits(db: Db): Promise<FileLimits> {
  const workspace = await db.workspace.findFirst({ select: { fileMaxBytes: true, fileQuotaBytes: true } });
  return {
    maxBytes: workspace?.fileMaxBytes ?? 100 * 1024 * 1024,
    quotaBytes: Number(workspace?.fileQuotaBytes ?? 10 * 1024 ** 3),
  };
}

export async function usedBytes(sql: Sql): Promise<number> {
  const { rows } = await sql.query<{ used: number }>(
    `SELECT COALESCE(SUM(size), 0)::int8 AS used FROM "File" WHERE "deletedAt" IS NULL`,
  );
  return rows[0]?.used ?? 0;
}

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export const fileTooLarge = (maxBytes: number) =>
  new AppError(413, "file_too_large", `Files can be at most ${mb(maxBytes)}.`, { maxBytes });

export const quotaExceeded = (quotaBytes: number, used: number) =>
  new AppError(413, "quota_exceeded", `The workspace's file storage is full (${mb(used)} of ${mb(quotaBytes)} used).`, {
    quotaBytes,
    usedBytes: used,
  });

/** Refuses before any byte is read: a file over the per-file limit or one that would not fit the quota. */
export async function checkFits(db: Db, sql: Sql, size: number): Promise<FileLimits> {
  const limits = await fileLimits(db);
  if (size > limits.maxBytes) throw fileTooLarge(limits.maxBytes);
  const used = await usedBytes(sql);
  if (used + size > limits.quotaBytes) throw quotaExceeded(limits.quotaBytes, used);
  return limits;
}
