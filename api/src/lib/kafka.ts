import { type ISocketFactory, Kafka, logLevel } from "kafkajs";
import type { Logger } from "pino";
import { repeatLimiter } from "./repeat-limiter.js";

export interface KafkaClient {
  brokers: string[];
  clientId: string;
  /** Lets a test put a proxy between this client and every broker it talks to. */
  socketFactory?: ISocketFactory;
}

// kafkajs warns at every idempotent producer's creation when its retries are limited, because retries that
// run out would leave its sequence numbers unsafe. Ours are limited on purpose and a producer whose write
// failed is never used again (realtime/kafka-writer.ts), so the warning does not apply.
const LIMITED_RETRIES_WARNING = "Limiting retries for the idempotent producer may invalidate EoS guarantees";

/** A line kafkajs repeats (a consumer retrying a failing batch every second) is logged once in this long. */
const REPEAT_WINDOW_MS = 30_000;

/** `retries`: how often kafkajs retries (re)connecting and other cluster operations before they fail. */
export function createKafka(client: KafkaClient, log: Logger, retries = 8): Kafka {
  return new Kafka({
    clientId: client.clientId,
    brokers: client.brokers,
    logLevel: logLevel.WARN,
    // Every field given, so kafkajs's defaults (which differ under NODE_ENV=test) never apply; no backoff
    // over 1 s, so clients resume within a second of the broker's return.
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1000, multiplier: 2, factor: 0.2 },
    // An unanswered request is retried after this long (a reply lost on the way, a broker that hangs).
    requestTimeout: 10_000,
    ...(client.socketFactory ? { socketFactory: client.socketFactory } : {}),
    logCreator: () => {
      const repeats = repeatLimiter(REPEAT_WINDOW_MS);
      return (entry) => {
        const { message, ...rest } = entry.log;
        if (message === LIMITED_RETRIES_WARNING) return;
        const passed = repeats.pass(`${entry.namespace} ${message}`);
        if (!passed) return;
        const fields = { kafka: rest, ...(passed.heldBack ? { heldBack: passed.heldBack } : {}) };
        if (entry.level <= logLevel.ERROR) log.error(fields, message);
        else log.warn(fields, message);
      };
    },
  });
}
