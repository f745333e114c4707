// Connects (or embeds) everything a process needs, in dependency order, and knows how to close it again.
// Used by the API process, the standalone persister and the integration tests alike.

import { Cluster } from "ioredis";
import type { Config } from "./config.js";
import { openStorage } from "./files/open-storage.js";
import { ClusterKv } from "./lib/cluster-kv.js";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.js";
import { type Kv, MemoryKv, RedisKv } from "./lib/kv.js";
import type { Logger } from "./lib/logger.js";
import { migrateDeploy } from "./lib/migrate.js";
import { createDb } from "./lib/prisma.js";
import { createRedis, createRedisCluster } from "./lib/redis.js";
import { createSql } from "./lib/sql.js";
import { type Bus, MemoryBus, RedisBus } from "./realtime/bus.js";
import { ClusterBus } from "./realtime/cluster-bus.js";
import type { EventLog } from "./realtime/event-log.js";
import { KafkaEventLog } from "./realtime/kafka-log.js";
import { MemoryEventLog } from "./realtime/memory-log.js";
import type { Services } from "./services.js";

export interface Running extends Services {
  close(): Promise<void>;
}

export async function startServices(config: Config, logger: Logger, opts: { migrate: boolean }): Promise<Running> {
  const closers: (() => Promise<void>)[] = [];
  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT, logger);
      closers.push(embedded.stop);
      databaseUrl = embedded.url;
    }
    if (opts.migrate) await migrateDeploy(databaseUrl);
    const db = createDb(databaseUrl);
    closers.push(() => db.$disconnect());
    const sql = createSql(databaseUrl, (err) => logger.warn({ err }, "an idle database connection failed"));
    closers.push(() => sql.end());
    const replica = config.DATABASE_REPLICA_URL ? createDb(config.DATABASE_REPLICA_URL) : undefined;
    if (replica) closers.push(() => replica.$disconnect());
    const replicaSql = config.DATABASE_REPLICA_URL
      ? createSql(config.DATABASE_REPLICA_URL, (err) => logger.warn({ err }, "an idle replica connection failed"))
      : undefined;
    if (replicaSql) closers.push(() => replicaSql.end());

    const { bus, kv, closeRedis } = connectRedis(config);
    closers.push(closeRedis);

    const log: EventLog = config.KAFKA_BROKERS
      ? await KafkaEventLog.connect(
          { brokers: config.KAFKA_BROKERS, clientId: `parley-${config.NODE_ID}` },
          {
            topicPrefix: config.KAFKA_TOPIC_PREFIX,
            partitions: config.KAFKA_PARTITIONS,
            sendTimeoutMs: config.KAFKA_SEND_TIMEOUT_MS,
          },
          logger,
        )
      : new MemoryEventLog();
    closers.push(() => log.close());

    if ((bus.kind === "memory") !== (log.kind === "memory")) {
      logger.warn("only one of REDIS_URL and KAFKA_BROKERS is set: this node cannot share its work with others");
    }
    const storage = await openStorage(config);
    closers.push(() => storage.close());

    const dbKind = config.DATABASE_URL ? "external" : "embedded";
    return {
      config,
      logger,
      db,
      sql,
      replica,
      replicaSql,
      dbKind,
      bus,
      log,
      kv,
      storage,
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/** Single Redis, a Redis Cluster (REDIS_CLUSTER), or the in-process bus and Kv; the same interfaces. */
function connectRedis(config: Config): { bus: Bus; kv: Kv; closeRedis: () => Promise<void> } {
  const url = config.REDIS_URL;
  if (!url) return { bus: new MemoryBus(), kv: new MemoryKv(), closeRedis: async () => {} };
  const bus = config.REDIS_CLUSTER ? new ClusterBus(url, config.REDIS_PREFIX) : new RedisBus(url, config.REDIS_PREFIX);
  const redis = config.REDIS_CLUSTER
    ? createRedisCluster(url, "parley-kv", { autoPipelining: true })
    : createRedis(url, "parley-kv", { autoPipelining: true });
  const kv =
    redis instanceof Cluster ? new ClusterKv(redis, config.REDIS_PREFIX) : new RedisKv(redis, config.REDIS_PREFIX);
  return {
    bus,
    kv,
    closeRedis: async () => {
      await redis.quit().catch(() => {});
      await bus.close();
    },
  };
}

async function closeAll(closers: (() => Promise<void>)[]) {
  for (const close of closers.reverse()) await close().catch(() => {});
}
