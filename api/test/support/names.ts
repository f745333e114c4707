import { randomBytes } from "node:crypto";
import { testEnv } from "./env.js";

const safeRun = testEnv.runId.replace(/[^a-z0-9]/gi, "").toLowerCase();

/** The run's template database; every test database of the run starts with this name. */
export const templateDatabase = () => `parley_t_${safeRun}`;

export function databaseUrl(name: string): string {
  const url = new URL(testEnv.adminDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A short random suffix that names one test's database, Redis prefix and Kafka topics. */
export const uniqueSuffix = () => randomBytes(4).toString("hex");
export const redisPrefix = (suffix: string) => `parley:t:${safeRun}:${suffix}:`;
export const kafkaTopicPrefix = (suffix: string) => `parley-t-${safeRun}-${suffix}`;
