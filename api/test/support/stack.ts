// A private slice of the machine's real services for one test file: its own database (cloned from the
// run's migrated template), Redis key prefix and Kafka topics. cleanup() removes all three.

import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type Config, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { type Running, startServices } from "../../src/start-services.js";
import { deleteKafkaPrefix, deleteRedisPrefix } from "./cleanup.js";
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

export async function createTestStack(
  opts: {
    redis?: boolean;
    kafka?: boolean;
    env?: Record<string, string>;
    /** A private Redis Cluster (redis-cluster.ts) instead of the machine's Redis; removed with it. */
    redisCluster?: { url: string };
    /** Private brokers (kafka-cluster.ts) instead of the machine's Kafka. */
    kafkaBrokers?: string[];
  } = {},
): Promise<TestStack> {
  const suffix = uniqueSuffix();
  const database = `${templateDatabase()}_${suffix}`;
  const admin = new pg.Client({ connectionString: testEnv.adminDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}" TEMPLATE "${templateDatabase()}"`);
  await admin.end();

  // Local file storage and upload spooling of its own, removed with the stack.
  const filesRoot = await mkdtemp(path.join(os.tmpdir(), `parley-files-${suffix}-`));
  const env: Record<string, string> = {
    NODE_ENV: "test",
    FILES_DIR: path.join(filesRoot, "files"),
    UPLOADS_DIR: path.join(filesRoot, "uploads"),
    LOG_LEVEL: process.env.PARLEY_TEST_LOG_LEVEL ?? "warn",
    DATABASE_URL: databaseUrl(database),
    ADMIN_EMAIL: "owner@parley.test",
    ADMIN_PASSWORD: "owner-password-123",
    ...opts.env,
  };
  if (opts.redis) Object.assign(env, { REDIS_URL: testEnv.redisUrl, REDIS_PREFIX: redisPrefix(suffix) });
  if (opts.redisCluster) {
    Object.assign(env, { REDIS_URL: opts.redisCluster.url, REDIS_CLUSTER: "true", REDIS_PREFIX: redisPrefix(suffix) });
  }
  const brokers = opts.kafkaBrokers ?? testEnv.kafkaBrokers;
  if (opts.kafka) {
    Object.assign(env, {
      KAFKA_BROKERS: brokers.join(","),
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
      if (opts.kafka) await deleteKafkaPrefix(brokers, config.KAFKA_TOPIC_PREFIX, servicesHint);
      if (opts.redis) await deleteRedisPrefix(testEnv.redisUrl, config.REDIS_PREFIX);
      const dropper = new pg.Client({ connectionString: testEnv.adminDatabaseUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await dropper.end();
      await rm(filesRoot, { recursive: true, force: true });
    },
  };
}
