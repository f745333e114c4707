// Message retention (Settings → Retention): messages older than the workspace's retention are deleted, with
// their files, reactions, mentions, pins and the events that carried their text.
//
// Why straight to PostgreSQL and not through the log as one messageDeleted per message: a deletion event
// keeps the message's place (a tombstone readers replay); retention must leave nothing, and a purge of a
// year of history as events would flood the log, the persister and every open client. What the log-first
// design protects stays true:
// - History, threads and search read the Message table: the rows are gone in the same statement as the
//   events that carried their text (messageCreated, edits, reactions, deletions of them), so resume, resync
//   and GET /events replay nothing of them either. Other events (joins, renames) keep their place; clients
//   take a hole in seq as they take a deleted message (web/src/store: only `seq <= last` is dropped).
// - The persister never writes a purged message again: new messages are newer than the cutoff, and an edit
//   or reaction that reaches it after the purge finds no row (its UPDATE matches nothing, reactions need the
//   message to exist). Rows are taken FOR UPDATE SKIP LOCKED, so a batch the persister holds waits a round.
// - Files are only marked deleted here; the reaper (files/reaper.ts) removes their bytes, then their rows.
// - Open clients keep showing what they already hold until they reload or resync (nothing is announced).
// One runner in the cluster: a Kv lock (`retention:running`); the periodic run also claims the interval
// (`retention:scheduled`), so N nodes make one run per interval between them.
import { recordAudit } from "../audit/record.js";
import type { Kv } from "../lib/kv.js";
import type { Logger } from "../lib/logger.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";
import { readSettings } from "./settings.js";

const BATCH = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const LOCK_MS = 15 * 60 * 1000;

export interface Purged {
  cutoff: string;
  retentionDays: number;
  messages: number;
  files: number;
  events: number;
}

export const cutoffFor = (retentionDays: number, now = new Date()) => new Date(now.getTime() - retentionDays * DAY_MS);

/** Deletes one batch of messages created before `cutoff`; returns what went. One statement: all or nothing. */
async function purgeBatch(sql: Sql, cutoff: Date) {
  const { rows } = await sql.query<{ messages: number; files: number; events: number }>(
    `WITH doomed AS (
       SELECT id, "channelId", seq, "parentId" FROM "Message" WHERE "createdAt" < $1::timestamp
       ORDER BY "createdAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED),
     files AS (
       UPDATE "File" f SET "deletedAt" = now() FROM doomed d
       WHERE f."messageId" = d.id AND f."deletedAt" IS NULL RETURNING f.id),
     events AS (
       DELETE FROM "ChannelEvent" e USING (SELECT "channelId", min(seq) AS seq FROM doomed GROUP BY 1) c
       WHERE e."channelId" = c."channelId" AND e.seq >= c.seq
         AND e.payload->'data'->>'messageId' IN (SELECT id::text FROM doomed) RETURNING 1),
     threads AS (
       UPDATE "Message" p SET "replyCount" = GREATEST(p."replyCount" - r.n, 0)
       FROM (SELECT "parentId", count(*)::int AS n FROM doomed WHERE "parentId" IS NOT NULL GROUP BY 1) r
       WHERE p.id = r."parentId" AND p.id NOT IN (SELECT id FROM doomed) RETURNING 1),
     gone AS (DELETE FROM "Message" m USING doomed d WHERE m.id = d.id RETURNING m.id)
     SELECT (SELECT count(*) FROM gone)::int AS messages, (SELECT count(*) FROM files)::int AS files,
       (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM threads)::int AS threads`,
    [cutoff.toISOString()],
  );
  return rows[0] ?? { messages: 0, files: 0, events: 0 };
}

/** How many messages the next run would delete (the dashboard says so before it asks to run one). */
export async function countExpired(sql: Sql, retentionDays: number, now = new Date()): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Message" WHERE "createdAt" < $1::timestamp`,
    [cutoffFor(retentionDays, now).toISOString()],
  );
  return rows[0]?.n ?? 0;
}

export type PurgeOutcome = { ran: true; purged: Purged } | { ran: false; reason: "off" | "busy" };

/**
 * One purge under the cluster lock: every batch until none is left, then one audit entry with the totals
 * (when anything went, or when an admin asked for the run). `actor` is set for a run an admin started.
 */
export async function runRetention(
  deps: { db: Db; sql: Sql; kv: Kv; logger: Logger },
  opts: { runner: string; actor?: { id: string; ip: string | undefined } | undefined; now?: Date },
): Promise<PurgeOutcome> {
  const { retentionDays } = await readSettings(deps.sql);
  if (retentionDays === null) return { ran: false, reason: "off" };
  const token = `${opts.runner}:${Date.now()}:${Math.random()}`;
  // A run under way already deletes the same messages: this one is not needed (two admins clicking at
  // once, or an admin during the scheduled run).
  if ((await deps.kv.setIfAbsent("retention:running", token, LOCK_MS)) !== null) return { ran: false, reason: "busy" };
  try {
    const cutoff = cutoffFor(retentionDays, opts.now);
    const purged: Purged = { cutoff: cutoff.toISOString(), retentionDays, messages: 0, files: 0, events: 0 };
    for (;;) {
      const batch = await purgeBatch(deps.sql, cutoff);
      purged.messages += batch.messages;
      purged.files += batch.files;
      purged.events += batch.events;
      if (batch.messages < BATCH) break;
    }
    if (purged.messages > 0 || opts.actor) {
      await recordAudit(deps.db, {
        actorId: opts.actor?.id ?? null,
        action: "retention.purged",
        targetType: "workspace",
        ip: opts.actor?.ip,
        details: { ...purged, runner: opts.runner },
      });
    }
    if (purged.messages > 0) deps.logger.info(purged, "retention: deleted messages older than the retention");
    return { ran: true, purged };
  } finally {
    if ((await deps.kv.get("retention:running")) === token) await deps.kv.del("retention:running");
  }
}

/** Every node runs this; each interval, the first node to claim it purges, the others skip. */
export function startRetention(
  deps: { db: Db; sql: Sql; kv: Kv; logger: Logger },
  opts: { runner: string; intervalMs: number },
) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = deps.kv
      .setIfAbsent("retention:scheduled", opts.runner, Math.max(opts.intervalMs - 1000, 1000))
      .then((claimed) => (claimed === null ? runRetention(deps, { runner: opts.runner }) : undefined))
      .catch((err) => deps.logger.warn({ err }, "retention: the purge failed; it is tried again next interval"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, opts.intervalMs);
      });
  };
  timer = setTimeout(tick, Math.min(opts.intervalMs, 60_000));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
