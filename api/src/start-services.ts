// Connects (or embeds) everything a process needs, in dependency order, and knows how to close it again.
// Used by the API process, the standalone persister and the integration tests alike.
import type { Config } from "./config.js";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.js";
import { createKafka } from "./lib/kafka.js";
import { type Kv, MemoryKv, RedisKv } from "./lib/kv.js";
import type { Logger } from "./lib/logger.js";
import { migrateDeploy } from "./lib/migrate.js";
import { createDb } from "./lib/prisma.js";
import { createRedis } from "./lib/redis.js";
import { createSql } from "./lib/sql.js";
import { type Bus, MemoryBus, RedisBus } from "./realtime/bus.js";
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

    const bus: Bus = config.REDIS_URL ? new RedisBus(config.REDIS_URL, config.REDIS_PREFIX) : new MemoryBus();
    closers.push(() => bus.close());
    let kv: Kv = new MemoryKv();
    if (config.REDIS_URL) {
      const redis = createRedis(config.REDIS_URL, "parley-kv", { autoPipelining: true });
      closers.push(async () => void (await redis.quit()));
      kv = new RedisKv(redis, config.REDIS_PREFIX);
    }

    const log: EventLog = config.KAFKA_BROKERS
      ? await KafkaEventLog.connect(
          createKafka(config.KAFKA_BROKERS, `parley-${config.NODE_ID}`, logger),
          { topicPrefix: config.KAFKA_TOPIC_PREFIX, partitions: config.KAFKA_PARTITIONS },
          logger,
        )
      : new MemoryEventLog();
    closers.push(() => log.close());

    if ((bus.kind === "memory") !== (log.kind === "memory")) {
      logger.warn("only one of REDIS_URL and KAFKA_BROKERS is set: this node cannot share its work with others");
    }
    const dbKind = config.DATABASE_URL ? "external" : "embedded";
    return { config, logger, db, sql, dbKind, bus, log, kv, close: () => closeAll(closers) };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function closeAll(closers: (() => Promise<void>)[]) {
  for (const close of closers.reverse()) await close().catch(() => {});
}
