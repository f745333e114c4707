// How long any request waits for PostgreSQL. Without bounds a server that accepts TCP but never answers (hung,
// frozen, a half-open connection after a network cut, a port now held by something else) holds the request,
// its pooled connection and its socket frame for good, where it should be answered `unavailable` (retry);
// both timeouts' errors are counted as the store out of reach (store-unavailable.ts).
import type { PoolConfig } from "pg";
import type { Config } from "../config.js";

export interface StoreTimeouts {
  /** Getting a connection: a free pooled one, or a new one (TCP, TLS, sign-in). pg bounds both with one timer. */
  connectMs: number;
  /** Waiting for one statement's answer; the pool then drops that connection (release with the error). */
  queryMs: number;
}

export const storeTimeouts = (config: Config): StoreTimeouts => ({
  connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  queryMs: config.DATABASE_QUERY_TIMEOUT_MS,
});

/** What both pools take (lib/sql.ts; lib/prisma.ts, whose adapter hands it to its pg.Pool as is). */
export interface StorePoolOptions {
  poolSize?: number;
  /** Unset: no bounds (the tests' and benchmarks' own clients); services always pass them (start-services.ts). */
  timeouts?: StoreTimeouts;
}

/** pg's names for them. */
export const poolConfig = ({ poolSize = 10, timeouts }: StorePoolOptions): PoolConfig => ({
  max: poolSize,
  ...(timeouts && { connectionTimeoutMillis: timeouts.connectMs, query_timeout: timeouts.queryMs }),
});
