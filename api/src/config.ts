// The one place environment variables are read. Validated with zod at start-up; a bad value stops the
// process with a single line naming the variable and what was expected.
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { filesEnv } from "./files/env.js";
import { isTrustedProxyEntry } from "./lib/client-ip.js";
import { notificationEnv } from "./notifications/env.js";

// As root, PostgreSQL runs as the `postgres` user, which cannot enter root's home (mode 700).
function defaultDataDir() {
  return process.getuid?.() === 0 ? "/var/lib/parley/data" : path.join(os.homedir(), ".cache", "parley", "data");
}

const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(
      z
        .url({ protocol: new RegExp(`^(${protocols.join("|")})$`) })
        .optional()
        .describe(`a ${protocols.join(" or ")} URL`),
    )
    .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port.default(3000),
  /** The browser-facing origin(s), comma-separated; WebSocket upgrades and cookie mutations must come from one. */
  PUBLIC_ORIGIN: z.string().optional(),
  /** Reverse proxies whose X-Forwarded-For/-Proto are believed: addresses, CIDRs or loopback, linklocal,
   * uniquelocal; comma-separated. Unset: none (the peer's address is the client's). */
  TRUSTED_PROXIES: z
    .string()
    .trim()
    .transform((v) => (v === "" ? [] : v.split(",").map((p) => p.trim())))
    .pipe(z.array(z.string().refine(isTrustedProxyEntry, "an IP address, a CIDR, loopback, linklocal or uniquelocal")))
    .default([]),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Unset: an embedded PostgreSQL is started under DATA_DIR. */
  DATABASE_URL: optionalUrl(["postgres", "postgresql"]),
  /** A streaming replica of DATABASE_URL: history, threads, stored events and search read from it when it has
   * replayed what the reader asks for (lib/read-replica.ts). Unset: every read goes to DATABASE_URL. */
  DATABASE_REPLICA_URL: optionalUrl(["postgres", "postgresql"]),
  /** Unset: an in-process pub/sub bus (single node only). */
  REDIS_URL: optionalUrl(["redis", "rediss"]),
  /** REDIS_URL names one node of a Redis Cluster: the others are found from it (sharded pub/sub, lib/cluster-kv.ts). */
  REDIS_CLUSTER: z.stringbool().default(false),
  /** No braces: a hash tag in the prefix would put every key on one cluster shard. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[^{}]*$/, "no { or }")
    .default("parley:"),
  /** Unset: an in-process message log (single node only). Comma-separated host:port list. */
  KAFKA_BROKERS: z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v.split(",").map((b) => b.trim())))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, "host:port")).optional())
    .optional(),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/)
    .default("parley"),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(8),
  /** How long a send waits for Kafka before it is refused with log_unavailable (the client retries). */
  KAFKA_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  /** Where the embedded database and other local state live. */
  DATA_DIR: z.string().default(defaultDataDir()),
  EMBEDDED_PG_PORT: port.default(54329),
  /** Run a persister inside this process ("inline", the default) or not ("off": run ops/persister instead). */
  PERSISTER: z.enum(["inline", "off"]).default("inline"),
  /** Port of a standalone persister's /metrics (lag, batch times) and /healthz; unset: no HTTP server. */
  PERSISTER_METRICS_PORT: port.optional(),
  ADMIN_EMAIL: z.email().default("admin@parley.local"),
  ADMIN_PASSWORD: z.string().min(12, "at least 12 characters").optional(),
  /** Messages (sends, edits, reactions) one user may send per 10 s, across all nodes. */
  SEND_RATE_PER_10S: z.coerce.number().int().min(1).max(100_000).default(50),
  // --- quotas (api/src/quotas/) ---
  /** Open sockets one user may hold, across all nodes. */
  SOCKETS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Open sockets one client address may hold across all nodes (generous: an office behind one NAT is one address). */
  SOCKETS_PER_IP: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  /** A node that stops renewing its socket counts this long (it died) no longer counts against the limits. */
  SOCKET_COUNTS_TTL_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  /** Frames one socket may send per second; more are answered `rate_limited`. Unset: 50, or twice the
   * per-second send rate when SEND_RATE_PER_10S allows more (quotas/quotas.ts). */
  SOCKET_FRAMES_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** Presence changes (setPresence) one user may make per minute, across nodes. */
  PRESENCE_CHANGES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Searches one user may run per minute across nodes, and at once on one node. */
  SEARCHES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  SEARCHES_AT_ONCE: z.coerce.number().int().min(1).max(100).default(2),
  /** A socket that stops renewing its presence for this long counts as gone (crashed node). */
  PRESENCE_TTL_MS: z.coerce.number().int().min(3000).max(600_000).default(45_000),
  /** Bearer token for GET /metrics; unset: loopback clients only. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Bytes queued for one socket beyond which it is closed as a slow consumer (it reconnects and resumes). */
  SOCKET_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .min(16_384)
    .default(4 * 1024 * 1024),
  /** Interval of the server's WebSocket pings; a socket that misses one is dropped. */
  SOCKET_HEARTBEAT_MS: z.coerce.number().int().min(1000).max(300_000).default(20_000),
  /** On SIGTERM, sockets are closed with 1012 spread evenly over this long, so other nodes are not stampeded. */
  DRAIN_SPREAD_MS: z.coerce.number().int().min(0).max(120_000).default(5000),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How often the cluster checks for messages older than the workspace's retention (one node runs it). */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000),
  NODE_ID: z.string().default(`${os.hostname()}-${process.pid}`),
  // --- live operations (api/src/ops/) ---
  /** How often each API node publishes its heartbeat (sockets, CPU, memory, message rate) through Redis. */
  OPS_HEARTBEAT_MS: z.coerce.number().int().min(200).max(60_000).default(1000),
  /** A node whose last heartbeat is older than this is shown as down (red). */
  OPS_NODE_STALE_MS: z.coerce.number().int().min(1000).max(600_000).default(5000),
  /** How often admins subscribed to live operations get a new sample. */
  OPS_PUSH_MS: z.coerce.number().int().min(200).max(60_000).default(1000),
  /** API processes on this host sharing PORT (api-processes.ts): a number or "auto" (one per core). Unset:
   * one per core when NODE_ENV=production, else one. Needs REDIS_URL and KAFKA_BROKERS to be above one. */
  API_PROCESSES: z.union([z.literal("auto"), z.coerce.number().int().min(1).max(256)]).optional(),
  /** Folder of the built web client and admin dashboard to serve; unset serves them from the repo. */
  STATIC_DIR: z.string().optional(),
  // --- calls (api/src/calls/) ---
  /** The SFU processes (sfu/) calls run on, comma-separated ws:// URLs. Unset: calls are off. */
  SFU_URLS: z
    .string()
    .trim()
    .transform((v) => (v === "" ? [] : v.split(",").map((u) => u.trim())))
    .pipe(z.array(z.url({ protocol: /^wss?$/ }).describe("a ws:// or wss:// URL")))
    .default([]),
  /** Shared with the SFUs (their SFU_SECRET); needed when SFU_URLS is set. */
  SFU_SECRET: z.string().min(16, "at least 16 characters, the same as the SFU's").optional(),
  // --- notifications (api/src/notifications/) ---
  /** Run a notifier inside this process ("inline", the default) or not ("off": run ops/notifier instead). */
  NOTIFIER: z.enum(["inline", "off"]).default("inline"),
  /** Port of a standalone notifier's /metrics and /healthz; unset: no HTTP server. */
  NOTIFIER_METRICS_PORT: port.optional(),
  ...notificationEnv,
  // --- files (api/src/files/) ---
  ...filesEnv,
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // A variable set to "" counts as unset, as in most shells' `VAR= cmd` idiom.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? "environment");
  const got = env[name];
  throw new ConfigError(
    `Invalid environment variable ${name}${got === undefined ? "" : `=${JSON.stringify(got)}`}: ${issue?.message ?? "invalid"} (see .env.example)`,
  );
}
