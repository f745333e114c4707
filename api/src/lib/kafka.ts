import { Kafka, logLevel } from "kafkajs";
import type { Logger } from "pino";

export function createKafka(brokers: string[], clientId: string, log: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 100 },
    logCreator: () => (entry) => {
      const { message, ...rest } = entry.log;
      if (entry.level <= logLevel.ERROR) log.error({ kafka: rest }, message);
      else log.warn({ kafka: rest }, message);
    },
  });
}
