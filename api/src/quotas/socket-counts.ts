// Open sockets per user and per client address, counted across every API node (lib/node-counts.ts): the
// gateway claims a place before upgrading (atomic in Redis, so two nodes cannot both take the last one)
// and the socket releases it when it closes. A node that dies stops renewing its entry, and its sockets
// stop counting within SOCKET_COUNTS_TTL_MS. When the store cannot be reached the node falls back to its
// own counts (a user may then hold the limit on each node) and rewrites its share once the store is back.
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import type { Kv } from "../lib/kv.js";
import type { Logger } from "../lib/logger.js";
import { quotaRefusals } from "../lib/metrics.js";
import type { CountClaim, CountKey } from "../lib/node-counts.js";

type Counter = "user" | "ip";
const QUOTA = { user: "sockets_per_user", ip: "sockets_per_ip" } as const;
const COUNTERS: readonly Counter[] = ["user", "ip"];

/** How long a claimed place waits for its upgrade to finish before it is given back (the client went away). */
export const UPGRADE_GRACE_MS = 10_000;

type Limits = Pick<Config, "SOCKETS_PER_USER" | "SOCKETS_PER_IP" | "SOCKET_COUNTS_TTL_MS" | "NODE_ID">;

/** One socket's place in the counts; release() gives it back once (later calls do nothing). */
export class SocketClaim {
  private released = false;
  private grace?: NodeJS.Timeout;

  constructor(
    private readonly counts: SocketCounts,
    readonly keys: readonly CountKey[],
  ) {}

  /** Gives the place back unless keep() is called within ms (the upgrade never completed). */
  expireUnlessKept(ms: number) {
    this.grace = setTimeout(() => this.release(), ms);
    this.grace.unref();
  }

  keep() {
    clearTimeout(this.grace);
  }

  release() {
    clearTimeout(this.grace);
    if (this.released) return;
    this.released = true;
    this.counts.released(this.keys);
  }
}

export class SocketCounts {
  /** This node's counts: the truth it rewrites the store's copy from. */
  private readonly local = new Map<Counter, Map<string, number>>(COUNTERS.map((c) => [c, new Map()]));
  /** A claim or release did not reach the store: the next refresh rewrites this node's counts. */
  private dirty = false;
  private renewer?: NodeJS.Timeout;
  /** start()'s clearing of a dead namesake's counts, which must not erase a claim made meanwhile. */
  private started: Promise<void> = Promise.resolve();

  constructor(
    private readonly kv: Kv,
    private readonly config: Limits,
    private readonly logger?: Logger,
  ) {}

  /** Throws 429 `too_many_sockets` when the user or the address already holds its limit on all nodes. */
  async claim(userId: string, ip: string | undefined): Promise<SocketClaim> {
    const claims: (CountClaim & { counter: Counter })[] = [
      { counter: "user", field: userId, limit: this.config.SOCKETS_PER_USER },
    ];
    if (ip) claims.push({ counter: "ip", field: ip, limit: this.config.SOCKETS_PER_IP });
    await this.started;
    let full: number;
    try {
      full = await this.kv.nodeCounts.claim(this.config.NODE_ID, claims, this.config.SOCKET_COUNTS_TTL_MS);
    } catch (err) {
      this.logger?.warn({ err }, "socket counts unreachable: counting this node's sockets only");
      this.dirty = true;
      full = claims.findIndex((c) => (this.local.get(c.counter)?.get(c.field) ?? 0) >= c.limit);
    }
    const refused = claims[full];
    if (refused) {
      quotaRefusals.inc({ quota: QUOTA[refused.counter] });
      throw tooManySockets(refused.counter === "user" ? `${refused.limit} per user` : `${refused.limit} per address`);
    }
    for (const c of claims) bump(this.local, c.counter, c.field, 1);
    return new SocketClaim(
      this,
      claims.map(({ counter, field }) => ({ counter, field })),
    );
  }

  /** Called by SocketClaim.release(). */
  released(keys: readonly CountKey[]) {
    for (const k of keys) bump(this.local, k.counter as Counter, k.field, -1);
    this.kv.nodeCounts.release(this.config.NODE_ID, keys).catch(() => {
      this.dirty = true;
    });
  }

  /** How many sockets this node holds for the user (tests, metrics). */
  localCount(counter: Counter, field: string) {
    return this.local.get(counter)?.get(field) ?? 0;
  }

  /** Clears what a dead node of this name left, then renews this node's entry every ttl/3. */
  async start() {
    this.started = this.kv.nodeCounts.forget(this.config.NODE_ID, COUNTERS).catch(() => {
      this.dirty = true;
    });
    await this.started;
    const renewLater = () => {
      this.renewer = setTimeout(() => void this.refresh().finally(renewLater), this.config.SOCKET_COUNTS_TTL_MS / 3);
      this.renewer.unref();
    };
    renewLater();
  }

  stop() {
    clearTimeout(this.renewer);
  }

  async refresh() {
    const rewrite = this.dirty;
    this.dirty = false;
    try {
      await this.kv.nodeCounts.refresh(this.config.NODE_ID, this.local, this.config.SOCKET_COUNTS_TTL_MS, rewrite);
    } catch (err) {
      this.dirty = true;
      this.logger?.warn({ err }, "renewing this node's socket counts failed");
    }
  }
}

function bump(counts: Map<Counter, Map<string, number>>, counter: Counter, field: string, by: number) {
  const fields = counts.get(counter);
  if (!fields) return;
  const next = (fields.get(field) ?? 0) + by;
  if (next > 0) fields.set(field, next);
  else fields.delete(field);
}

const tooManySockets = (limit: string) =>
  new AppError(
    429,
    "too_many_sockets",
    `Too many open sockets (${limit}, across all servers): close a tab or another client first.`,
  );
