// Removes what one test or benchmark run put into the shared services: Kafka topics and consumer groups
// under a prefix, and Redis keys under a prefix. Used by test/support/stack.ts and bench/lib/stack.ts.
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";

export async function deleteKafkaPrefix(brokers: string[], prefix: string, hint = ""): Promise<void> {
  const kafka = new Kafka({ brokers, clientId: "parley-cleanup", logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect().catch((error) => {
    throw new Error(`Kafka at ${brokers.join(",")} does not answer (${error.message})${hint ? `: ${hint}` : ""}`);
  });
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}

export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    await redis.quit();
  }
}
