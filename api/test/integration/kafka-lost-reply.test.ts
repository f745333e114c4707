// Issue #20: "accepted" must stay true whatever state the idempotent producer is in. A TCP proxy sits
// between a node's KafkaEventLog and the real broker: it lets one write through and drops its reply, then
// refuses connections until the node has stopped trying (past its retry budget), then recovers. Every send
// answered `accepted` must then be stored and delivered exactly once, and retrying the refused ones with
// the same clientId must store each exactly once.
import { connect } from "node:net";
import { Kafka, logLevel } from "kafkajs";
import { startProxy, type Proxy as TcpProxy } from "sfu/test-support/tcp-proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import { createLogger } from "../../src/lib/logger.js";
import { logProducerReplacements } from "../../src/lib/metrics.js";
import { sendMessage } from "../../src/messages/actions.js";
import { Persister } from "../../src/persister/persister.js";
import { type ChannelEvent, channelTopic } from "../../src/realtime/channel-events.js";
import { KafkaEventLog } from "../../src/realtime/kafka-log.js";
import type { Services } from "../../src/services.js";
import type { Running } from "../../src/start-services.js";
import { testEnv } from "../support/env.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

/** No connection attempt for this long means the node gave up: kafkajs never backs off longer than 1 s here. */
const QUIET_MS = 3000;

let stack: TestStack;
let services: Running;
let persister: Persister;
let proxy: TcpProxy;
let nodeLog: KafkaEventLog;
const admin = new Kafka({
  brokers: testEnv.kafkaBrokers,
  clientId: "lost-reply-probe",
  logLevel: logLevel.NOTHING,
}).admin();

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  persister = new Persister(services);
  await persister.start();
  const [host, port] = (testEnv.kafkaBrokers[0] as string).split(":");
  proxy = await startProxy(Number(port), host);
  // Every connection the node's client makes, to whichever broker, goes through the proxy.
  nodeLog = await KafkaEventLog.connect(
    {
      brokers: testEnv.kafkaBrokers,
      clientId: "lost-reply-node",
      socketFactory: ({ onConnect }) => connect({ host: "127.0.0.1", port: proxy.port }, onConnect),
    },
    {
      topicPrefix: stack.config.KAFKA_TOPIC_PREFIX,
      partitions: stack.config.KAFKA_PARTITIONS,
      sendTimeoutMs: stack.config.KAFKA_SEND_TIMEOUT_MS,
    },
    createLogger(stack.env.LOG_LEVEL ?? "warn", "lost-reply-node"),
  );
  await admin.connect();
}, 120_000);

afterAll(async () => {
  await admin.disconnect();
  await nodeLog?.close().catch(() => {});
  await proxy?.close();
  await persister?.stop();
  await stack?.cleanup();
});

/** Records in the events topic, over all partitions. */
async function recordsInTopic() {
  const offsets = await admin.fetchTopicOffsets(`${stack.config.KAFKA_TOPIC_PREFIX}.events`);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

type Outcome = {
  clientId: string;
  status: "accepted" | "duplicate" | "log_unavailable";
  ms: number;
  details?: unknown;
};

const replacements = async () => (await logProducerReplacements.get()).values[0]?.value ?? 0;

describe("a lost Kafka reply during a long outage", () => {
  it("keeps every accepted message: stored and delivered exactly once; refused ones store once when retried", async () => {
    const author = await createUser(services.db);
    const channel = await createChannel(services.db, [author.id]);
    const node: Services = { ...services, log: nodeLog };
    const delivered: ChannelEvent[] = [];
    await services.bus.subscribe(channelTopic(channel.id), (payload) => delivered.push(JSON.parse(payload)));

    const send = async (clientId: string): Promise<Outcome> => {
      const started = performance.now();
      try {
        const r = await sendMessage(node, author, { channelId: channel.id, clientId, body: `body ${clientId}` });
        return { clientId, status: r.status, ms: performance.now() - started };
      } catch (error) {
        if (error instanceof AppError && error.code === "log_unavailable")
          return { clientId, status: "log_unavailable", ms: performance.now() - started, details: error.details };
        throw error;
      }
    };
    const outcomes: Outcome[] = [];
    const note = (o: Outcome) => {
      outcomes.push(o);
      console.log(`${o.clientId}: ${o.status} after ${Math.round(o.ms)} ms`);
      return o;
    };

    expect(note(await send("A")).status).toBe("accepted");
    const replacedBefore = await replacements();

    // B reaches the broker and is stored; its reply never comes back.
    const before = await recordsInTopic();
    proxy.dropReplies();
    const b = send("B");
    const deadline = Date.now() + 15_000;
    while ((await recordsInTopic()) === before) {
      if (Date.now() > deadline) throw new Error("B never reached the broker through the proxy");
      await new Promise((r) => setTimeout(r, 50));
    }
    // Then the broker is gone: connections are refused until the node stops trying.
    proxy.refuse();
    const refusedFrom = performance.now();
    note(await b);
    const c = note(await send("C"));
    while (performance.now() - proxy.refused.lastAt < QUIET_MS) await new Promise((r) => setTimeout(r, 100));
    console.log(
      `refused ${proxy.refused.count} connections for ${Math.round(performance.now() - refusedFrom)} ms, until the node was quiet for ${QUIET_MS} ms`,
    );
    proxy.recover();
    // The write that carried B failed (retries spent) while the broker was away: its producer is gone.
    expect(await replacements()).toBeGreaterThan(replacedBefore);

    // Writes after the outage, then the refused sends again with their clientIds, as a client retries.
    for (const id of ["D", "E"]) note(await send(id));
    for (const o of outcomes.filter((x) => x.status === "log_unavailable")) {
      for (let i = 0; i < 20; i++) {
        const retried = note(await send(o.clientId));
        if (retried.status !== "log_unavailable") break;
      }
    }
    const accepted = new Set(outcomes.filter((o) => o.status !== "log_unavailable").map((o) => o.clientId));
    expect([...accepted].sort()).toEqual(["A", "B", "C", "D", "E"]);

    const storedIds = async () =>
      (await services.db.message.findMany({ where: { channelId: channel.id }, orderBy: { seq: "asc" } })).map(
        (m) => m.clientId,
      );
    await waitFor(() => delivered.length >= accepted.size, "every accepted message to be delivered", 30_000).catch(
      () => {},
    );
    const stored = await storedIds();
    expect(stored.slice().sort(), "every accepted message stored exactly once").toEqual([...accepted].sort());
    const deliveredIds = delivered.map((e) => (e.type === "messageCreated" ? e.data.clientId : e.type));
    expect(deliveredIds, "delivered exactly once, in stored order").toEqual(stored);
    expect(delivered.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));

    // During the outage a send waited at most the configured bound, then got log_unavailable.
    const bound = stack.config.KAFKA_SEND_TIMEOUT_MS;
    console.log(`C waited ${Math.round(c.ms)} ms (bound ${bound} ms)`);
    expect(c.status).toBe("log_unavailable");
    expect(c.details).toEqual({ retryAfterMs: expect.any(Number) });
    expect(c.ms).toBeLessThan(bound + 1000);
  }, 180_000);
});
