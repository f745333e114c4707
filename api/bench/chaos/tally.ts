// What one fault did to the steady traffic: the messages first sent during its phase, counted against the
// database and every client's deliveries.
import type pg from "pg";
import type { Traffic } from "./traffic.js";

export interface Phase {
  fault: string;
  start: number;
  /** When the fault was injected (performance.now()). */
  injectAt: number;
  end: number;
  /** Sum over clients of events that came twice / after a gap, at the phase's start and end. */
  counters: { start: ClientCounters; end: ClientCounters };
  /** Measures of this fault only ("longest send wait" …), already formatted. */
  extra: [string, string][];
}

export interface ClientCounters {
  repeated: number;
  skipped: number;
}

export interface Row {
  fault: string;
  sent: number;
  accepted: number;
  stored: number;
  delivered: number;
  /** Accepted, but not stored or not on every client. */
  lost: number;
  duplicates: number;
  reordered: number;
  /** From the injection until every client had a message sent after it accepted and delivered everywhere. */
  recoveryMs: number | null;
  extra: [string, string][];
}

export function counters(traffic: Traffic): ClientCounters {
  return traffic.clients.reduce(
    (sum, c) => ({ repeated: sum.repeated + c.repeated, skipped: sum.skipped + c.skipped }),
    { repeated: 0, skipped: 0 },
  );
}

/** clientId → the seqs it was stored under (more than one = a duplicate). */
export async function storedSeqs(sql: pg.Pool, channelId: string): Promise<Map<string, number[]>> {
  const { rows } = await sql.query<{ clientId: string; seq: number }>(
    `SELECT "clientId", seq FROM "Message" WHERE "channelId" = $1::uuid`,
    [channelId],
  );
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.clientId, [...(out.get(r.clientId) ?? []), Number(r.seq)]);
  return out;
}

export function recoveryMs(traffic: Traffic, injectAt: number): number | null {
  let worst = 0;
  for (const client of traffic.clients) {
    const back = traffic.sends
      .filter((s) => s.client === client.name && s.sentAt >= injectAt)
      .map((s) => traffic.deliveredEverywhere(s.id))
      .filter((t): t is number => t !== undefined);
    if (back.length === 0) return null;
    worst = Math.max(worst, Math.min(...back) - injectAt);
  }
  return worst;
}

export function tally(phase: Phase, traffic: Traffic, stored: Map<string, number[]>): Row {
  const sends = traffic.sends.filter((s) => s.sentAt >= phase.start && s.sentAt < phase.end);
  const accepted = sends.filter((s) => s.at !== undefined);
  const storedOnce = accepted.filter((s) => (stored.get(s.id)?.length ?? 0) >= 1);
  const delivered = accepted.filter((s) => traffic.deliveredEverywhere(s.id) !== undefined);
  const lost = accepted.filter(
    (s) => (stored.get(s.id)?.length ?? 0) === 0 || traffic.deliveredEverywhere(s.id) === undefined,
  );
  const extraRows = accepted.reduce((n, s) => n + Math.max(0, (stored.get(s.id)?.length ?? 0) - 1), 0);
  // A client sends one message at a time, each after the last was accepted: its messages' seqs must rise.
  let outOfOrder = 0;
  for (const s of accepted) {
    const [mine, theirs] = [stored.get(s.id)?.[0], stored.get(`${s.client}-${s.n - 1}`)?.[0]];
    if (mine !== undefined && theirs !== undefined && mine < theirs) outOfOrder++;
  }
  const { start, end } = phase.counters;
  return {
    fault: phase.fault,
    sent: sends.length,
    accepted: accepted.length,
    stored: storedOnce.length,
    delivered: delivered.length,
    lost: lost.length,
    duplicates: extraRows + (end.repeated - start.repeated),
    reordered: outOfOrder + (end.skipped - start.skipped),
    recoveryMs: recoveryMs(traffic, phase.injectAt),
    extra: phase.extra,
  };
}

/** True when the fault met the bar: nothing accepted lost, duplicated or reordered. */
export const clean = (r: Row) => r.lost === 0 && r.duplicates === 0 && r.reordered === 0;
