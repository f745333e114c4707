// CLI: lists the persister's dead letters, and with --apply re-appends them to the event log.
//   node --import tsx src/persister/replay-dead-letters.ts [--apply]     (needs KAFKA_BROKERS)
import { Kafka } from "kafkajs";
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../lib/logger.js";
import { KafkaEventLog } from "../realtime/kafka-log.js";
import { readDeadLetters, replayDeadLetters, silentKafkaLogLevel } from "./dead-letters.js";

async function main() {
  const apply = process.argv.includes("--apply");
  const config = loadConfig();
  if (!config.KAFKA_BROKERS) throw new ConfigError("KAFKA_BROKERS is not set: dead letters exist only with Kafka.");
  const logger = createLogger("warn", "dead-letter-replay");
  const kafka = new Kafka({
    brokers: config.KAFKA_BROKERS,
    clientId: "parley-dead-letter-replay",
    logLevel: silentKafkaLogLevel,
  });
  const prefix = config.KAFKA_TOPIC_PREFIX;
  const { letters, commit, close } = await readDeadLetters(
    kafka,
    `${prefix}.events.dead-letter`,
    `${prefix}.dead-letter-replay`,
  );
  for (const l of letters)
    process.stdout.write(`offset ${l.offset}  channel ${l.key}  reason: ${l.reason}\n  ${l.value.slice(0, 200)}\n`);
  process.stdout.write(`${letters.length} dead letter(s) not yet replayed.\n`);
  if (!apply) {
    process.stdout.write(letters.length ? "Fix their cause, then run again with --apply to re-append them.\n" : "");
    await close();
    return;
  }
  const log = await KafkaEventLog.connect(
    { brokers: config.KAFKA_BROKERS, clientId: "parley-dead-letter-replay" },
    { topicPrefix: prefix, partitions: config.KAFKA_PARTITIONS, sendTimeoutMs: config.KAFKA_SEND_TIMEOUT_MS },
    logger,
  );
  await replayDeadLetters(log, letters);
  await commit();
  await log.close();
  process.stdout.write(
    `Re-appended ${letters.length}; any that fail again return to the dead-letter topic with a new reason.\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error?.stack ?? error)}\n`);
  process.exit(1);
});
