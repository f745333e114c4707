// A private slice of the machine's real services for one test file: its own database (cloned from the
// run's migrated template), Redis key prefix and Kafka topics. cleanup() removes all three.

import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { type Config, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { type Running, startServices } from "../../src/start-services.js";
import { servicesHint, testEnv } from "./env.js";
import { databaseUrl, kafkaTopicPrefix, redisPrefix, templateDatabase, uniqueSuffix } from "./names.js";

export interface TestStack {
  /** Environment for processes of this stack (API nodes, persisters). */
  env: Record<string, string>;
  config: Config;
  /** Opens this stack's services in the test process itself. */
  open(): Promise<Running>;
  cleanup(): Promise<void>;
}

export async function createTestStack(opts: { redis?: boolean; kafka?: boolean } = {}): Promise<TestStack> {
  const suffix = uniqueSuffix();
  const database = `${templateDatabase()}_${suffix}`;
  const admin = new pg.Client({ connectionString: testEnv.adminDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}" TEMPLATE "${templateDatabase()}"`);
  await admin.end();

  const env: Record<string, string> = {
    NODE_ENV: "test",
    LOG_LEVEL: process.env.PARLEY_TEST_LOG_LEVEL ?? "warn",
    DATABASE_URL: databaseUrl(database),
    ADMIN_EMAIL: "owner@parley.test",
    ADMIN_PASSWORD: "owner-password-123",
  };
  if (opts.redis) Object.assign(env, { REDIS_URL: testEnv.redisUrl, REDIS_PREFIX: redisPrefix(suffix) });
  if (opts.kafka) {
    Object.assign(env, {
      KAFKA_BROKERS: testEnv.kafkaBrokers.join(","),
      KAFKA_TOPIC_PREFIX: kafkaTopicPrefix(suffix),
      KAFKA_PARTITIONS: "4",
    });
  }
  const config = loadConfig(env);
  const opened: Running[] = [];

  return {
    env,
    config,
    async open() {
      const running = await startServices(config, createLogger(env.LOG_LEVEL ?? "warn", `test-${suffix}`), {
        migrate: false,
      });
      opened.push(running);
      return running;
    },
    async cleanup() {
      for (const running of opened) await running.close();
      if (opts.kafka) await deleteKafkaTopics(config.KAFKA_TOPIC_PREFIX);
      if (opts.redis) await deleteRedisKeys(config.REDIS_PREFIX);
      const dropper = new pg.Client({ connectionString: testEnv.adminDatabaseUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}

async function deleteKafkaTopics(prefix: string) {
  const kafka = new Kafka({
    brokers: testEnv.kafkaBrokers,
    clientId: "parley-test-cleanup",
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect().catch((error) => {
    throw new Error(`Kafka at ${testEnv.kafkaBrokers.join(",")} does not answer (${error.message}): ${servicesHint}`);
  });
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
  await admin.disconnect();
}

async function deleteRedisKeys(prefix: string) {
  const redis = new Redis(testEnv.redisUrl);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await redis.quit();
}
