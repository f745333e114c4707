// The persister as its own process: `bun run --cwd api persister` (run one or more; Kafka shares the
// partitions among them). Needs KAFKA_BROKERS, REDIS_URL and DATABASE_URL.
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../lib/logger.js";
import { startServices } from "../start-services.js";
import { Persister } from "./persister.js";

async function main() {
  const config = loadConfig();
  if (!config.KAFKA_BROKERS || !config.REDIS_URL || !config.DATABASE_URL) {
    throw new ConfigError(
      "The standalone persister needs KAFKA_BROKERS, REDIS_URL and DATABASE_URL; with the embedded default the API runs it inline.",
    );
  }
  const logger = createLogger(config.LOG_LEVEL, config.NODE_ID);
  const services = await startServices(config, logger, { migrate: false });
  const persister = new Persister(services);
  await persister.start();
  logger.info("persister running");
  process.stdout.write("persister ready\n");
  const stop = async () => {
    await persister.stop();
    await services.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((error) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `persister failed: ${error?.stack ?? error}`}\n`,
  );
  process.exit(1);
});
