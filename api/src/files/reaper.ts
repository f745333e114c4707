// Removes what is no longer served from the storage, then its row: files marked deleted (their message
// was deleted, an admin deleted them, their uploader took them back) and uploads never sent within
// FILES_PENDING_TTL_MS. Every node runs one; two removing the same object is harmless (deleting is
// idempotent), and a row goes only after its objects did, so a crash in between is retried next round.
import type { Logger } from "../lib/logger.js";
import type { Sql } from "../lib/sql.js";
import type { FileStorage } from "./storage.js";

const BATCH = 200;
export const RENDITION_SUFFIXES = ["", ".thumb", ".preview"];

export async function reapOnce(sql: Sql, storage: FileStorage, pendingTtlMs: number): Promise<number> {
  // Stale uploads are first marked deleted, which the persister's binding of sent files respects: a file
  // is either bound to its message or reaped, never both (the row lock orders the two).
  const now = new Date();
  await sql.query(
    `UPDATE "File" SET "deletedAt" = $1::timestamp
     WHERE "messageId" IS NULL AND "deletedAt" IS NULL AND "createdAt" < $2::timestamp`,
    [now.toISOString(), new Date(now.getTime() - pendingTtlMs).toISOString()],
  );
  const { rows } = await sql.query<{ id: string; storageKey: string }>(
    `SELECT id, "storageKey" FROM "File" WHERE "deletedAt" IS NOT NULL LIMIT ${BATCH}`,
  );
  if (rows.length === 0) return 0;
  await Promise.all(
    rows.flatMap((r) => RENDITION_SUFFIXES.map((suffix) => storage.delete(`${r.storageKey}${suffix}`))),
  );
  await sql.query(`DELETE FROM "File" WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
  return rows.length;
}

/** Reaps every `intervalMs` until stopped. */
export function startReaper(
  sql: Sql,
  storage: FileStorage,
  logger: Logger,
  opts: { intervalMs: number; pendingTtlMs: number },
) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = reapOnce(sql, storage, opts.pendingTtlMs)
      .then((n) => {
        if (n > 0) logger.debug({ files: n }, "removed deleted files from the storage");
      })
      .catch((err) => logger.warn({ err }, "could not remove deleted files from the storage; retrying"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, opts.intervalMs);
      });
  };
  timer = setTimeout(tick, opts.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
