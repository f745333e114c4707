// Correctness of a run, checked after every scenario that sends: every accepted message is stored once,
// and every resumed socket received every event of its channels exactly once and in order (gap-free seqs
// from its resume position up to the channel's stored lastSeq). Any violation fails the run loudly.
import type pg from "pg";
import type { LoadPool } from "../load/pool.js";
import { lastSeqs, messageCount } from "./seed.js";

export interface Correctness {
  ok: boolean;
  accepted: number;
  stored: number;
  sockets: number;
  deliveries: number;
  /** Socket-channels not caught up when it gave up waiting. */
  behind: number;
  /** How long it waited for the backlog to drain. */
  settleSeconds: number;
  problems: string[];
}

/** Waits (up to `timeoutMs`) until every socket has caught up with the stored log, then checks everything. */
export async function checkDelivery(
  pool: LoadPool,
  db: pg.Pool,
  channelIds: string[],
  accepted: Record<string, number>,
  opts: { unanswered?: number; timeoutMs?: number; final?: boolean } = {},
): Promise<Correctness> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const unanswered = opts.unanswered ?? 0;
  const deadline = Date.now() + timeoutMs;
  const acceptedTotal = Object.values(accepted).reduce((a, b) => a + b, 0);
  for (;;) {
    const [seqs, results, stored] = await Promise.all([
      lastSeqs(db, channelIds),
      pool.verify(),
      messageCount(db, channelIds),
    ]);
    const problems: string[] = [];
    let sockets = 0;
    let deliveries = 0;
    let behind = 0;
    for (const result of results) {
      for (const [channelId, check] of Object.entries(result.channels)) {
        const last = seqs.get(channelId);
        if (last === undefined) continue; // e.g. #general: not part of this scenario
        sockets += check.sockets;
        deliveries += check.received;
        if (check.minLast < last) behind += check.sockets;
        if (check.maxLast > last)
          problems.push(`channel ${channelId}: a socket saw seq ${check.maxLast} > stored ${last}`);
        if (check.gaps > 0) problems.push(`channel ${channelId}: ${check.gaps} gaps in delivered seqs`);
        if (check.duplicates > 0) problems.push(`channel ${channelId}: ${check.duplicates} duplicate deliveries`);
      }
      for (const [code, n] of Object.entries(result.closed))
        problems.push(`${n} sockets closed by the server (code ${code})`);
      if (result.resyncs > 0) problems.push(`${result.resyncs} resyncRequired frames`);
      if (result.unexpected > 0) problems.push(`${result.unexpected} events for channels a socket is not in`);
    }
    if (stored < acceptedTotal && opts.final !== false)
      problems.push(`only ${stored} of ${acceptedTotal} accepted messages are stored`);
    // A send that timed out may still have been stored: only more than that is wrong.
    if (stored > acceptedTotal + unanswered)
      problems.push(`${stored} messages stored but only ${acceptedTotal} accepted (+${unanswered} unanswered)`);
    const settled = behind === 0 && stored >= acceptedTotal;
    if (settled || Date.now() > deadline) {
      // Between phases a backlog is only slowness; at the end, undelivered events are lost deliveries.
      if (behind > 0 && opts.final !== false)
        problems.push(`${behind} socket-channels still behind the stored log after ${timeoutMs} ms`);
      const settleSeconds = Math.round((performance.now() - started) / 100) / 10;
      return {
        ok: problems.length === 0,
        accepted: acceptedTotal,
        stored,
        sockets,
        deliveries,
        behind,
        settleSeconds,
        problems,
      };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
