// Fixed-window rate limits over the shared Kv, so a limit holds across every API node.
import { tooMany } from "../errors.js";
import type { Kv } from "./kv.js";

export interface Limit {
  /** Names the limit in keys, e.g. "login-ip". */
  name: string;
  max: number;
  windowMs: number;
}

/** Counts one hit for `subject`; throws a 429 AppError (with Retry-After) once over the limit. */
export async function enforceLimit(kv: Kv, limit: Limit, subject: string): Promise<void> {
  const { count, resetMs } = await kv.hit(`rl:${limit.name}:${subject}`, limit.windowMs);
  if (count > limit.max) throw tooMany(Math.max(1, Math.ceil(resetMs / 1000)));
}
