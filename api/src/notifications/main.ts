// The notifier as its own process: `bash ops/notifier` (run one or more; Kafka shares the partitions among
// them) next to API nodes started with NOTIFIER=off. Needs KAFKA_BROKERS, REDIS_URL and DATABASE_URL.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { ConfigError, loadConfig } from "../config.js";
import { metricsRoutes } from "../health/metrics.js";
import { createLogger } from "../lib/logger.js";
import { errorHandler } from "../middleware/error-handler/index.js";
import { startServices } from "../start-services.js";
import { startNotifier } from "./start.js";

async function main() {
  const config = loadConfig();
  if (!config.KAFKA_BROKERS || !config.REDIS_URL || !config.DATABASE_URL) {
    throw new ConfigError(
      "The standalone notifier needs KAFKA_BROKERS, REDIS_URL and DATABASE_URL; with the embedded default the API runs it inline.",
    );
  }
  const logger = createLogger(config.LOG_LEVEL, config.NODE_ID);
  const services = await startServices(config, logger, { migrate: false });
  const running = await startNotifier(services);
  const port = config.NOTIFIER_METRICS_PORT;
  const http = port
    ? serve({
        fetch: new Hono()
          .get("/healthz", (c) => c.json({ ok: true }))
          .route("/", metricsRoutes(config.METRICS_TOKEN))
          .onError(errorHandler(logger)).fetch,
        port,
      })
    : undefined;
  logger.info({ metricsPort: port ?? null, fcm: running.fcm }, "notifier running");
  process.stdout.write(`notifier ready (${running.fcm})\n`);
  const stop = async () => {
    http?.close();
    await running.stop();
    await services.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((error) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `notifier failed: ${error?.stack ?? error}`}\n`,
  );
  process.exit(1);
});
