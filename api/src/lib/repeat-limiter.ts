// Lets a repeating log line through once per window: a client that retries every second while a service is
// away (kafkajs's consumers, whose handler fails while PostgreSQL is out) must not flood the log. The next
// line let through says how many were held back since the last one.

export interface RepeatLimiter {
  /** null: hold this one back; else let it through, with how many of its kind were held back before it. */
  pass(key: string): { heldBack: number } | null;
}

/** At most `maxKeys` kinds are remembered; past that, the ones whose window ended are forgotten first. */
export function repeatLimiter(windowMs: number, now: () => number = Date.now, maxKeys = 200): RepeatLimiter {
  const kinds = new Map<string, { until: number; heldBack: number }>();
  const forgetEnded = (at: number) => {
    for (const [key, kind] of kinds) if (kind.until <= at) kinds.delete(key);
  };
  return {
    pass(key) {
      const at = now();
      const kind = kinds.get(key);
      if (kind && at < kind.until) {
        kind.heldBack++;
        return null;
      }
      const heldBack = kind?.heldBack ?? 0;
      if (!kind && kinds.size >= maxKeys) forgetEnded(at);
      if (kind || kinds.size < maxKeys) kinds.set(key, { until: at + windowMs, heldBack: 0 });
      return { heldBack };
    },
  };
}
