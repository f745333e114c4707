// The poison stream (issue #11): 1,000 sends a store cannot hold (NUL or a lone surrogate in the body or the
// clientId) from a client through the API, which must refuse each with a typed error, and 1,000 poison
// events written straight into the log — what an older node or a bug could still put there — which the
// persister must dead-letter without stalling anyone: nine in ten fail the event schema, one in ten passes
// it and is refused by PostgreSQL (an author that does not exist). They go into a channel on the SAME
// partition as the steady traffic's channel, the hardest case; the steady channel's delivery time during
// the stream is compared with the seconds before it.
import { randomUUID } from "node:crypto";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import type { PendingChannelEvent } from "../../src/realtime/channel-events.js";
import type { TestSocket } from "../../test/support/socket-client.js";
import type { Traffic } from "./traffic.js";

export const POISON_SENDS = 1000;
export const POISON_EVENTS = 1000;
/** The bound on the extra p99 delay of another channel's delivery. */
export const ALLOWED_DELAY_MS = 100;

/** The partition Parley's producer picks for a channel (murmur2 of the key, as Kafka's Java client). */
export function partitionOf(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return Partitioners.DefaultPartitioner()({ topic: "events", partitionMetadata, message: { key, value: null } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The four ways the issue found to poison a send. */
function poisonSend(i: number, channelId: string) {
  const kinds = [
    { clientId: `poison-${i}`, body: `poison ${i} \u0000` },
    { clientId: `poison-${i}`, body: `poison ${i} \ud800` },
    { clientId: `poison-${i}-\ud800`, body: `poison ${i}` },
    { clientId: `poison-${i}-\u0000`, body: `poison ${i}` },
  ];
  return { channelId, ...kinds[i % kinds.length] };
}

function poisonEvent(i: number, channelId: string, authorId: string): PendingChannelEvent {
  const storeRefused = i % 10 === 0;
  return {
    type: "messageCreated",
    eventId: randomUUID(),
    at: new Date().toISOString(),
    channelId,
    actorId: storeRefused ? randomUUID() : authorId,
    data: {
      messageId: randomUUID(),
      clientId: `poison-log-${i}`,
      body: storeRefused ? `poison ${i}` : `poison ${i} ${i % 2 ? "\u0000" : "\ud800"}`,
      parentId: null,
    },
  };
}

export interface PoisonResult {
  /** Error codes of the API's replies to the poison sends (`accepted` would be a failure). */
  replies: Map<string, number>;
  doneAt: number;
}

/** `sends` through the API and `events` into the log, 10 of each every 100 ms (about 10 s for 1,000). */
export async function poisonStream(opts: {
  socket: TestSocket;
  channelId: string;
  authorId: string;
  brokers: string[];
  topic: string;
  sends: number;
  events: number;
}): Promise<PoisonResult> {
  const kafka = new Kafka({ brokers: opts.brokers, clientId: "parley-chaos-poison", logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const replies = new Map<string, number>();
  try {
    for (let i = 0; i < Math.max(opts.sends, opts.events); i += 10) {
      const tick = sleep(100);
      const batch = Array.from({ length: 10 }, (_, k) => i + k);
      const events = batch.filter((n) => n < opts.events).map((n) => poisonEvent(n, opts.channelId, opts.authorId));
      await Promise.all([
        events.length > 0 &&
          producer.send({
            topic: opts.topic,
            messages: events.map((e) => ({ key: e.channelId, value: JSON.stringify(e) })),
          }),
        ...batch
          .filter((n) => n < opts.sends)
          .map(async (n) => {
            const reply = await opts.socket.request("sendMessage", poisonSend(n, opts.channelId));
            const code = reply.ok ? `accepted (${reply.result.status})` : reply.error.code;
            replies.set(code, (replies.get(code) ?? 0) + 1);
          }),
      ]);
      await tick;
    }
  } finally {
    await producer.disconnect();
  }
  return { replies, doneAt: performance.now() };
}

/** Every (message, client) delivery time of steady messages first sent in [from, to). */
export function deliveryTimes(traffic: Traffic, from: number, to: number): number[] {
  const times: number[] = [];
  for (const s of traffic.sends) {
    if (s.sentAt < from || s.sentAt >= to) continue;
    for (const c of traffic.clients) {
      const at = c.delivered.get(s.id);
      if (at !== undefined) times.push(at - s.sentAt);
    }
  }
  return times;
}

export function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN;
}
