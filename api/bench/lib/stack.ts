// A private slice of the machine's PostgreSQL, Redis and Kafka for one scenario: a database cloned from
// the run's migrated template, a Redis key prefix and Kafka topics, all removed by cleanup(). The same
// isolation the integration tests use (test/support/stack.ts), without their per-run template wiring.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { migrateDeploy } from "../../src/lib/migrate.js";
import { deleteKafkaPrefix, deleteRedisPrefix } from "../../test/support/cleanup.js";

const pgHost = process.env.PGHOST ?? "127.0.0.1";
export const benchEnv = {
  adminDatabaseUrl: `postgresql://postgres@${pgHost}:${process.env.PGPORT ?? 5432}/postgres`,
  redisUrl: `redis://${process.env.REDIS_HOST ?? "127.0.0.1"}:${process.env.REDIS_PORT ?? 6379}`,
  kafkaBrokers: [`127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`],
};

const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
const templateName = `parley_bench_${runId}`;
const created: string[] = [];
/** Kafka topic / Redis key prefixes of scenarios not cleaned up yet. */
const prefixes = new Set<string>();

function databaseUrl(name: string) {
  const url = new URL(benchEnv.adminDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: benchEnv.adminDatabaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let template: Promise<void> | undefined;

/** Migrates the run's template database once; scenarios clone it in milliseconds. */
function ensureTemplate() {
  template ??= (async () => {
    await admin((c) => c.query(`CREATE DATABASE "${templateName}"`));
    created.push(templateName);
    await migrateDeploy(databaseUrl(templateName));
  })();
  return template;
}

export interface BenchStack {
  name: string;
  databaseUrl: string;
  /** Environment for the API nodes and the persister of this scenario. */
  env: Record<string, string>;
  db: pg.Pool;
  cleanup(): Promise<void>;
}

export async function createStack(scenario: string, extraEnv: Record<string, string> = {}): Promise<BenchStack> {
  await ensureTemplate();
  const name = `${templateName}_${scenario.replace(/[^a-z0-9]/g, "")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`));
  created.push(name);
  const url = databaseUrl(name);
  const prefix = `parley-bench-${runId}-${scenario}`;
  const env: Record<string, string> = {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATABASE_URL: url,
    REDIS_URL: benchEnv.redisUrl,
    REDIS_PREFIX: `${prefix}:`,
    KAFKA_BROKERS: benchEnv.kafkaBrokers.join(","),
    KAFKA_TOPIC_PREFIX: prefix,
    ADMIN_EMAIL: "owner@parley.bench",
    ADMIN_PASSWORD: "owner-password-123",
    PERSISTER: "off",
    SEND_RATE_PER_10S: "100000",
    // The load generators' 20,000 sockets all come from loopback.
    SOCKETS_PER_IP: "1000000",
    // One process per node (production's default is one per core, api-processes.ts): the per-node figures
    // and the /proc readings of a node's pid mean one process. `--env API_PROCESSES=auto` for all cores.
    API_PROCESSES: "1",
    ...extraEnv,
  };
  prefixes.add(prefix);
  const db = new pg.Pool({ connectionString: url, max: 4 });
  return {
    name,
    databaseUrl: url,
    env,
    db,
    async cleanup() {
      await db.end().catch(() => {});
      prefixes.delete(prefix);
      await deleteKafkaPrefix(benchEnv.kafkaBrokers, prefix).catch((e) =>
        console.error(`bench: could not delete Kafka topics ${prefix}*: ${e}`),
      );
      await deleteRedisPrefix(benchEnv.redisUrl, `${prefix}:`).catch((e) =>
        console.error(`bench: could not delete Redis keys: ${e}`),
      );
      await dropDatabase(name);
    },
  };
}

async function dropDatabase(name: string) {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch((e) =>
    console.error(`bench: could not drop ${name}: ${e}`),
  );
  const at = created.indexOf(name);
  if (at >= 0) created.splice(at, 1);
}

/** Drops whatever this run created and is still there (the template, a scenario interrupted midway). */
export async function cleanupRun() {
  for (const prefix of prefixes) {
    await deleteKafkaPrefix(benchEnv.kafkaBrokers, prefix).catch(() => {});
    await deleteRedisPrefix(benchEnv.redisUrl, `${prefix}:`).catch(() => {});
  }
  prefixes.clear();
  for (const name of [...created].reverse()) await dropDatabase(name);
}

/** Versions of the services the run used, for the record. */
export async function serviceVersions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await admin(async (c) => {
    const { rows } = await c.query<{ server_version: string }>("SHOW server_version");
    out.PostgreSQL = rows[0]?.server_version.split(" ")[0] ?? "?";
  }).catch(() => {});
  const redis = new Redis(benchEnv.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    out.Redis = /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "?";
  } catch {
    // not answering: the scenarios will say so
  } finally {
    redis.disconnect();
  }
  const kafka = new Kafka({
    brokers: benchEnv.kafkaBrokers,
    clientId: "parley-bench-info",
    logLevel: logLevel.NOTHING,
  });
  const kadmin = kafka.admin();
  try {
    await kadmin.connect();
    const { brokers } = await kadmin.describeCluster();
    out.Kafka = `${brokers.length} broker(s) at ${benchEnv.kafkaBrokers.join(",")}`;
  } catch {
    // idem
  } finally {
    await kadmin.disconnect().catch(() => {});
  }
  return out;
}
