// Per-user and per-address quotas, so one client cannot crowd out everyone else: sockets per user and per
// address (across nodes: socket-counts.ts), frames per socket per second, presence changes per user per
// minute (across nodes), and searches per user (per minute across nodes, and how many run at once on a node). Each refusal is a typed error (socket upgrades:
// HTTP 429 before upgrading; frames: a `rate_limited` reply) and counts in parley_quota_refusals_total.
import type { Config } from "../config.js";
import { AppError, tooMany } from "../errors.js";
import type { Kv } from "../lib/kv.js";
import { quotaRefusals } from "../lib/metrics.js";
import { enforceLimit } from "../lib/rate-limit.js";

export type Quota = "sockets_per_user" | "sockets_per_ip" | "socket_frames" | "presence_changes" | "searches";

function refuse(quota: Quota, error: AppError): never {
  quotaRefusals.inc({ quota });
  throw error;
}

/** SOCKET_FRAMES_PER_SECOND, or by default 50 and never less than twice the send rate a user is allowed. */
export const framesPerSecond = (config: Pick<Config, "SOCKET_FRAMES_PER_SECOND" | "SEND_RATE_PER_10S">) =>
  config.SOCKET_FRAMES_PER_SECOND ?? Math.max(50, Math.ceil(config.SEND_RATE_PER_10S / 10) * 2);

/** Frames one socket may send per second; the frames over it are answered `rate_limited` and not run. */
export class FrameBudget {
  private windowStart = 0;
  private count = 0;

  constructor(private readonly perSecond: number) {}

  check() {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.count = 0;
    }
    if (++this.count > this.perSecond) refuse("socket_frames", tooMany(1));
  }
}

export async function checkPresenceChange(kv: Kv, config: Pick<Config, "PRESENCE_CHANGES_PER_MINUTE">, userId: string) {
  const limit = { name: "presence", max: config.PRESENCE_CHANGES_PER_MINUTE, windowMs: 60_000 };
  await enforceLimit(kv, limit, userId).catch((error) => refuse("presence_changes", error));
}

function bump(counts: Map<string, number>, key: string, by: number) {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}

/** Searches of one user: so many a minute across nodes, and so many at once on this node. */
export class SearchQuota {
  private readonly running = new Map<string, number>();

  constructor(
    private readonly kv: Kv,
    private readonly config: Pick<Config, "SEARCHES_PER_MINUTE" | "SEARCHES_AT_ONCE">,
  ) {}

  async run<T>(userId: string, search: () => Promise<T>): Promise<T> {
    if ((this.running.get(userId) ?? 0) >= this.config.SEARCHES_AT_ONCE)
      refuse(
        "searches",
        new AppError(429, "rate_limited", `At most ${this.config.SEARCHES_AT_ONCE} searches at once; wait for one.`, {
          retryAfterSeconds: 1,
        }),
      );
    const limit = { name: "search", max: this.config.SEARCHES_PER_MINUTE, windowMs: 60_000 };
    await enforceLimit(this.kv, limit, userId).catch((error) => refuse("searches", error));
    bump(this.running, userId, 1);
    try {
      return await search();
    } finally {
      bump(this.running, userId, -1);
    }
  }
}
