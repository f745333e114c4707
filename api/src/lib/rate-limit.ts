// Fixed-window rate limits over the shared Kv, so a limit holds across every API node.
import { tooMany } from "../errors.js";
import type { Kv } from "./kv.js";

export interface Limit {
  /** Names the limit in keys, e.g. "login-ip". */
  name: string;
  max: number;
  windowMs: number;
}

const keyOf = (limit: Limit, subject: string) => `rl:${limit.name}:${subject}`;
const limited = (resetMs: number) => tooMany(Math.max(1, Math.ceil(resetMs / 1000)));

/** Counts one hit for `subject`; throws a 429 AppError (with Retry-After) once over the limit. */
export async function enforceLimit(kv: Kv, limit: Limit, subject: string): Promise<void> {
  const { count, resetMs } = await kv.hit(keyOf(limit, subject), limit.windowMs);
  if (count > limit.max) throw limited(resetMs);
}

/** For limits that count only some outcomes (failures): throws the 429 once `max` hits were counted. */
export async function checkLimit(kv: Kv, limit: Limit, subject: string): Promise<void> {
  const { count, resetMs } = await kv.hits(keyOf(limit, subject));
  if (count >= limit.max) throw limited(resetMs);
}

/** Counts one hit for a limit that checkLimit() guards; returns the window's count. */
export async function countHit(kv: Kv, limit: Limit, subject: string): Promise<number> {
  return (await kv.hit(keyOf(limit, subject), limit.windowMs)).count;
}
