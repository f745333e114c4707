// Parley on three Kafka brokers (KRaft, replication factor 3, min.insync.replicas 2; writes with acks=all)
// and a 3-master Redis Cluster, both private (ops/services on free ports): the event topic is replicated
// to all three brokers, the multi-node scenario passes, and kill -9 of the broker leading a channel's
// partition, mid-stream, loses no acknowledged message: the persister carries on, every message is stored
// once and reaches every client. The pause in acceptance is printed (BENCHMARKS.md, "Cluster operations").
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { type KafkaClusterHandle, startKafkaCluster } from "../support/kafka-cluster.js";
import { everyMessageEverywhere, startThreeNodes, type ThreeNodes } from "../support/multinode.js";
import { type RedisClusterHandle, startRedisCluster } from "../support/redis-cluster.js";
import { createTestStack, type TestStack } from "../support/stack.js";
import { longestPause, steadyTraffic } from "../support/steady-traffic.js";

let kafka: KafkaClusterHandle;
let redis: RedisClusterHandle;
let stack: TestStack;
let services: Running;
let three: ThreeNodes;

beforeAll(async () => {
  // Both are started at once; when one fails, the other is still kept so afterAll stops it (a failed Redis
  // start once left a broker of this Kafka cluster running after the run).
  const [k, r] = await Promise.allSettled([startKafkaCluster(), startRedisCluster()]);
  if (k.status === "fulfilled") kafka = k.value;
  if (r.status === "fulfilled") redis = r.value;
  if (k.status === "rejected") throw k.reason;
  if (r.status === "rejected") throw r.reason;
  stack = await createTestStack({ redisCluster: redis, kafka: true, kafkaBrokers: kafka.brokers });
  services = await stack.open(); // creates the topics
  three = await startThreeNodes(stack.env);
}, 420_000);

afterAll(async () => {
  await three?.stop();
  await stack?.cleanup();
  await Promise.all([kafka?.stop(), redis?.stop()]);
});

const eventsTopic = () => `${stack.env.KAFKA_TOPIC_PREFIX}.events`;

async function topicPartitions(topic = eventsTopic()) {
  const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions ?? [];
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every partition of `topics` has all three brokers in its in-sync replica set. A topic is
 * created with three replicas at once, but a follower joins the ISR only once it has fetched up to the
 * leader's end, which on a loaded machine takes a while after creation (and after every burst of writes).
 * Until then the cluster cannot lose a broker safely: killing the leader of a partition whose ISR is two
 * leaves one in-sync replica, below min.insync.replicas (2), and acks=all writes are refused until the
 * lagging follower catches up. So the tests wait for full replication, and then assert it.
 */
async function fullyReplicated(topics: string[], timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lagging: string[] = [];
    for (const topic of topics) {
      const partitions = await topicPartitions(topic).catch(() => []);
      if (partitions.length === 0) lagging.push(`${topic}: no metadata`);
      for (const p of partitions)
        if (p.isr.length < 3) lagging.push(`${topic}[${p.partitionId}] isr ${p.isr.join(",")}`);
    }
    if (lagging.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`not fully replicated after ${timeoutMs} ms: ${lagging.join("; ")}\n${kafka.describe()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("Parley on three replicated Kafka brokers", () => {
  it("replicates the event log to all three brokers and passes the multi-node scenario", async () => {
    await fullyReplicated([eventsTopic()]);
    const partitions = await topicPartitions();
    expect(partitions.length).toBeGreaterThan(0);
    for (const p of partitions) {
      expect(p.replicas.length).toBe(3);
      expect(p.isr.length).toBe(3);
    }
    await everyMessageEverywhere(services, three.nodes, { clients: 12, perClient: 5 });
  }, 300_000);

  it("kill -9 of the broker leading a channel's partition, mid-stream: nothing acknowledged is lost", async () => {
    let killedAt = 0;
    let leader = 0;
    const urls = three.nodes.map((n) => n.url);
    // Killing one broker must leave two in-sync replicas of every partition the writes and the persister's
    // commits need (see fullyReplicated): the event log and the group offsets.
    await fullyReplicated([eventsTopic(), "__consumer_offsets"]);
    const traffic = await steadyTraffic(
      services,
      urls,
      { clients: 6, intervalMs: 300, warmMs: 2000, afterMs: 8000 },
      async (channelId) => {
        const partitionMetadata = await topicPartitions();
        // The writer keys each event by its channel and partitions like Java's producer (murmur2).
        const partition = Partitioners.DefaultPartitioner()({
          topic: eventsTopic(),
          partitionMetadata,
          message: { key: channelId, value: "" },
        });
        leader = partitionMetadata.find((p) => p.partitionId === partition)?.leader ?? 1;
        killedAt = performance.now();
        await kafka.kill9(leader);
      },
    );
    const afterKill = traffic.accepted.filter((a) => a.at > killedAt);
    const pause = longestPause(traffic.accepted, killedAt, killedAt + 30_000);
    console.log(
      `killed broker ${leader} (leader of the channel's partition): longest pause in acceptance ${(pause / 1000).toFixed(1)} s; ` +
        `${traffic.accepted.length} accepted (${afterKill.length} after the kill), every one stored once by the persister and delivered to all 6 clients`,
    );
    // The persister carried on: messages accepted after the kill were stored and delivered (checked above).
    expect(afterKill.length).toBeGreaterThan(0);
    const partitions = await topicPartitions();
    expect(partitions.every((p) => p.leader !== leader && p.leader >= 0)).toBe(true);
  }, 420_000);
});
