// The persister as its own process: `bash ops/persister` (run one or more; Kafka shares the
// partitions among them). Needs KAFKA_BROKERS, REDIS_URL and DATABASE_URL.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { ConfigError, loadConfig } from "../config.js";
import { metricsRoutes } from "../health/metrics.js";
import { createLogger } from "../lib/logger.js";
import { errorHandler } from "../middleware/error-handler/index.js";
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
  // The lag gauge and batch timings live in this process: serve them when asked to (PERSISTER_METRICS_PORT).
  const port = config.PERSISTER_METRICS_PORT;
  const http = port
    ? serve({
        fetch: new Hono()
          .get("/healthz", (c) => c.json({ ok: true }))
          .route("/", metricsRoutes(config.METRICS_TOKEN))
          .onError(errorHandler(logger)).fetch,
        port,
      })
    : undefined;
  logger.info({ metricsPort: port ?? null }, "persister running");
  process.stdout.write("persister ready\n");
  const stop = async () => {
    http?.close();
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
