// Pushes per minute, across every notifier: one expiring counter per outcome and minute in the shared kv
// (Redis, or in-process on the embedded default). The admin dashboard reads the last hour.
import type { Kv } from "../lib/kv.js";

export const OUTCOMES = ["sent", "failed", "browser"] as const;
/** sent: FCM accepted it. failed: FCM refused it for good (dead token or dead letter). browser: an open tab got it. */
export type PushOutcome = (typeof OUTCOMES)[number];

const MINUTE_MS = 60_000;
const KEEP_MS = 2 * 60 * MINUTE_MS;

const keyOf = (outcome: PushOutcome, minute: number) => `push-stats:${outcome}:${minute}`;

export async function countPushes(kv: Kv, outcome: PushOutcome, n: number, now = Date.now()): Promise<void> {
  const key = keyOf(outcome, Math.floor(now / MINUTE_MS));
  await Promise.all(Array.from({ length: n }, () => kv.hit(key, KEEP_MS)));
}

export interface MinuteCounts extends Record<PushOutcome, number> {
  minute: string;
}

/** The last `minutes` minutes, oldest first, the current (still counting) minute last. */
export async function pushesPerMinute(kv: Kv, minutes = 60, now = Date.now()): Promise<MinuteCounts[]> {
  const last = Math.floor(now / MINUTE_MS);
  const range = Array.from({ length: minutes }, (_, i) => last - minutes + 1 + i);
  const values = await kv.getMany(OUTCOMES.flatMap((outcome) => range.map((minute) => keyOf(outcome, minute))));
  return range.map((minute, i) => {
    const at = (o: number) => Number(values[o * minutes + i] ?? 0);
    return { minute: new Date(minute * MINUTE_MS).toISOString(), sent: at(0), failed: at(1), browser: at(2) };
  });
}
