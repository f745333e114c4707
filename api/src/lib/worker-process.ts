// The life of a standalone Kafka worker process (the persister, the notifier): check the config, connect the
// services, start the worker, serve /healthz and /metrics when a port is given, say "<name> ready" on
// stdout (what the tests and ops scripts wait for), and on SIGTERM/SIGINT stop the worker, close the
// services and exit 0. A failure before that prints one line to stderr and exits 1.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { type Config, ConfigError, loadConfig } from "../config.js";
import { metricsRoutes } from "../health/metrics.js";
import { errorHandler } from "../middleware/error-handler/index.js";
import type { Services } from "../services.js";
import { startServices } from "../start-services.js";
import { createLogger } from "./logger.js";

export interface StartedWorker {
  stop(): Promise<void>;
  /** Added to the "<name> running" log line. */
  logFields?: Record<string, unknown>;
  /** Shown in brackets after "<name> ready". */
  readyNote?: string;
}

export interface WorkerProcess {
  /** "persister", "notifier": names the process in its log, ready and error lines. */
  name: string;
  metricsPort(config: Config): number | undefined;
  start(services: Services): Promise<StartedWorker>;
}

export function runWorkerProcess(worker: WorkerProcess): void {
  run(worker).catch((error) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : `${worker.name} failed: ${error?.stack ?? error}`}\n`,
    );
    process.exit(1);
  });
}

async function run(worker: WorkerProcess) {
  const config = loadConfig();
  if (!config.KAFKA_BROKERS || !config.REDIS_URL || !config.DATABASE_URL) {
    throw new ConfigError(
      `The standalone ${worker.name} needs KAFKA_BROKERS, REDIS_URL and DATABASE_URL; with the embedded default the API runs it inline.`,
    );
  }
  const logger = createLogger(config.LOG_LEVEL, config.NODE_ID);
  const services = await startServices(config, logger, { migrate: false });
  const started = await worker.start(services);
  // The worker's gauges and timings live in this process, not in an API node's: serve them when asked to.
  const port = worker.metricsPort(config);
  const http = port
    ? serve({
        fetch: new Hono()
          .get("/healthz", (c) => c.json({ ok: true }))
          .route("/", metricsRoutes(config.METRICS_TOKEN))
          .onError(errorHandler(logger)).fetch,
        port,
      })
    : undefined;
  logger.info({ metricsPort: port ?? null, ...started.logFields }, `${worker.name} running`);
  process.stdout.write(`${worker.name} ready${started.readyNote ? ` (${started.readyNote})` : ""}\n`);
  const stop = async () => {
    http?.close();
    await started.stop();
    await services.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}
