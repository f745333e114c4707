// The one place environment variables are read. Validated with zod at start-up; a bad value stops the
// process with a single line naming the variable and what was expected.
import os from "node:os";
import path from "node:path";
import { z } from "zod";

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
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Unset: an embedded PostgreSQL is started under DATA_DIR. */
  DATABASE_URL: optionalUrl(["postgres", "postgresql"]),
  /** Unset: an in-process pub/sub bus (single node only). */
  REDIS_URL: optionalUrl(["redis", "rediss"]),
  REDIS_PREFIX: z.string().default("parley:"),
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
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  NODE_ID: z.string().default(`${os.hostname()}-${process.pid}`),
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
