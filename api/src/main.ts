// The API process: HTTP + WebSocket on one port, plus (unless PERSISTER=off) a persister.
import cluster from "node:cluster";
import type { Server } from "node:http";
import { createAdaptorServer, serve } from "@hono/node-server";
import { apiProcessCount, isFirstProcess, runPrimary, serveFromPrimary } from "./api-processes.js";
import { bootstrapWorkspace } from "./bootstrap/bootstrap.js";
import { ConfigError, loadConfig } from "./config.js";
import { filesDir } from "./files/open-storage.js";
import { startReaper } from "./files/reaper.js";
import { createLogger } from "./lib/logger.js";
import { startNotifier } from "./notifications/start.js";
import { Persister } from "./persister/persister.js";
import { createRealtimeApp } from "./realtime/node.js";
import { startServices } from "./start-services.js";
import { startRetention } from "./workspace/retention.js";

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, config.NODE_ID);
  const services = await startServices(config, logger, { migrate: true });

  const boot = await bootstrapWorkspace(services, {
    adminEmail: config.ADMIN_EMAIL,
    adminPassword: config.ADMIN_PASSWORD,
  });
  // Every node's inline persister joins one consumer group: Kafka gives each partition one writer.
  const persister = config.PERSISTER === "inline" ? new Persister(services) : undefined;
  let notifier: Awaited<ReturnType<typeof startNotifier>> | undefined;
  const startReaders = async () => {
    await persister?.start();
    // After the persister: on the in-process log the notifier reads each batch once it is stored.
    notifier = config.NOTIFIER === "inline" ? await startNotifier(services) : undefined;
  };
  // Joining a consumer group waits for the group to rebalance (seconds; tens of seconds on a busy host,
  // twice: persister and notifier). One process joins before it listens. One of several API processes
  // (api-processes.ts) takes connections first and joins after: its sockets need only the readers of the
  // other processes meanwhile, so a replacement for a dead process answers as soon as it is up.
  if (!cluster.isWorker) await startReaders();
  // Removes deleted and never-sent files from the storage (every node; files/reaper.ts).
  const reaper = startReaper(services.sql, services.storage, logger, {
    intervalMs: config.FILES_REAP_INTERVAL_MS,
    pendingTtlMs: config.FILES_PENDING_TTL_MS,
  });
  // Deletes messages older than the workspace's retention: one node per interval (workspace/retention.ts).
  const retention = startRetention(services, { runner: config.NODE_ID, intervalMs: config.RETENTION_INTERVAL_MS });

  const realtime = createRealtimeApp(services);
  // One of several API processes (api-processes.ts): the primary holds the port and passes connections.
  const server = cluster.isWorker
    ? createAdaptorServer({ fetch: realtime.app.fetch })
    : serve({ fetch: realtime.app.fetch, hostname: config.HOST, port: config.PORT });
  realtime.attach(server as Server);
  if (cluster.isWorker) {
    serveFromPrimary(server as Server);
    await startReaders();
  } else await new Promise<void>((resolve) => server.once("listening", () => resolve()));

  const base = `http://localhost:${config.PORT}`;
  const lines = [
    "Parley is running:",
    `  web client       ${base}/`,
    `  admin dashboard  ${base}/admin/`,
    `  readiness        ${base}/readyz`,
    `  socket           ws://localhost:${config.PORT}/ws`,
    `  calls            ${config.SFU_URLS.length > 0 ? `SFU ${config.SFU_URLS.join(", ")}` : "off (no SFU_URLS)"}`,
    `  API processes    ${process.env.PARLEY_API_PROCESSES ?? 1} on this port (API_PROCESSES)`,
    `  database ${services.dbKind}, bus ${services.bus.kind}, log ${services.log.kind}${persister ? ", persister inline" : ""}`,
    `  files            ${services.storage.kind === "s3" ? `S3 bucket ${config.S3_BUCKET}` : `local ${filesDir(config)}`}`,
    `  notifications    ${notifier ? `notifier inline, ${notifier.fcm}` : "notifier off (NOTIFIER=off: run ops/notifier)"}`,
  ];
  if (boot.created) {
    lines.push(
      `  first admin      ${boot.adminEmail}${boot.generatedPassword ? ` / password ${boot.generatedPassword} (shown once)` : ""}`,
    );
  }
  if (isFirstProcess()) process.stdout.write(`${lines.join("\n")}\n`);
  else logger.info({ pid: process.pid }, "API process ready");

  let stopping = false;
  // The drain (realtime/drain.ts): no new connections or sockets, the open sockets closed with 1012 over
  // DRAIN_SPREAD_MS after their pending frames, in-flight HTTP requests finished, then the persister and
  // the services let go, and the process exits.
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, spreadMs: config.DRAIN_SPREAD_MS }, "draining");
    // How long each step of the stop took, logged at the end (the memory benchmark reads it).
    const started = performance.now();
    const steps: Record<string, number> = {};
    const step = (name: string) => {
      steps[name] = Math.round(performance.now() - started - Object.values(steps).reduce((a, b) => a + b, 0));
    };
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const drained = await realtime.drain(config.DRAIN_SPREAD_MS);
    // The closes themselves, then what the drain ends after them (presence, calls, heartbeats).
    steps.socketsMs = drained.ms;
    step("presenceMs");
    logger.info(drained, "sockets drained");
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
    step("httpMs");
    // On Kafka each reader leaves its own group and commits only what it handled, so they stop together
    // (each leave is a broker round trip and a rebalance); on the in-process log the notifier first.
    const readersStopped =
      services.log.kind === "kafka"
        ? Promise.all([notifier?.stop(), persister?.stop()])
        : (async () => {
            await notifier?.stop();
            await persister?.stop();
          })();
    await Promise.all([reaper.stop(), retention.stop(), readersStopped]);
    step("readersMs");
    await services.close();
    step("servicesMs");
    logger.info({ ...steps, totalMs: Math.round(performance.now() - started) }, "stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

function start() {
  if (cluster.isPrimary) {
    const config = loadConfig();
    const logger = createLogger(config.LOG_LEVEL, config.NODE_ID);
    const count = apiProcessCount(config, logger);
    if (count > 1) return runPrimary(count, logger, { host: config.HOST, port: config.PORT });
  }
  return main();
}

Promise.resolve()
  .then(start)
  .catch((error) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(
        `Parley failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  });
