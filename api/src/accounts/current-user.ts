// Who is asking, as they are NOW. A socket lives for hours; its user may be demoted, banned, deactivated or
// signed out meanwhile, on any node. So every socket frame re-reads its session and user before it is
// handled: one primary-key lookup, and the frames read in the same event-loop turn share one query
// (lib/turn-batch.ts), so a busy node pays one statement per turn, not one per frame. The bus control
// messages (realtime/control.ts) still close sockets and drop subscriptions at once; this check is what
// makes a frame that races them, or a control message lost with a Redis restart, harmless.
import { AppError, unauthorized } from "../errors.js";
import type { User } from "../generated/prisma/client.js";
import type { Sql } from "../lib/sql.js";
import { TurnBatch } from "../lib/turn-batch.js";
import { assertActive } from "../middleware/session/index.js";
import { effectiveState } from "./user-state.js";

interface Asking {
  sessionId: string;
  userId: string;
}
type Row = User & { sessionExpiresAt: Date | null };

const batches = new WeakMap<Sql, TurnBatch<Asking, Row | undefined>>();

function batchOf(sql: Sql) {
  let batch = batches.get(sql);
  if (!batch) {
    batch = new TurnBatch((asking: Asking[]) => queryUsers(sql, asking));
    batches.set(sql, batch);
  }
  return batch;
}

async function queryUsers(sql: Sql, asking: Asking[]): Promise<(Row | undefined)[]> {
  const { rows } = await sql.query<Row & { i: string }>({
    name: "current-users",
    text: `SELECT v.i, s."expiresAt" AS "sessionExpiresAt", u.*
      FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS v(sid, uid, i)
      JOIN "User" u ON u.id = v.uid
      LEFT JOIN "Session" s ON s.id = v.sid AND s."userId" = v.uid`,
    values: [asking.map((a) => a.sessionId), asking.map((a) => a.userId)],
  });
  const byIndex = new Map(rows.map(({ i, ...row }) => [Number(i), row]));
  return asking.map((_, i) => byIndex.get(i + 1));
}

/**
 * The session's user as stored now. Throws 401 `unauthorized` when the session has ended (signed out,
 * expired, revoked) or the account is deactivated, and 403 `banned` (with the reason) when it is banned.
 */
export async function currentUser(sql: Sql, sessionId: string, userId: string): Promise<User> {
  const row = await batchOf(sql).call({ sessionId, userId });
  if (!row) throw unauthorized("Your account no longer exists.");
  const { sessionExpiresAt, ...user } = row;
  // A ban deletes the user's sessions: say it is the ban, as HTTP does with the old cookie.
  if (effectiveState(user) === "banned") assertActive(user);
  if (!sessionExpiresAt || sessionExpiresAt.getTime() <= Date.now())
    throw unauthorized("Your session has ended; sign in again.");
  assertActive(user);
  return user;
}

/** The socket close code for a refusal by currentUser: banned, or signed out. */
export const isBanRefusal = (error: unknown) => error instanceof AppError && error.code === "banned";
