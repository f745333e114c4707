// The API process: HTTP + WebSocket on one port, plus (unless PERSISTER=off) a persister.
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { bootstrapWorkspace } from "./bootstrap/bootstrap.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./lib/logger.js";
import { Persister } from "./persister/persister.js";
import { createRealtimeApp } from "./realtime/node.js";
import { startServices } from "./start-services.js";

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, config.NODE_ID);
  const services = await startServices(config, logger, { migrate: true });

  const boot = await bootstrapWorkspace(services.db, {
    adminEmail: config.ADMIN_EMAIL,
    adminPassword: config.ADMIN_PASSWORD,
  });
  // Every node's inline persister joins one consumer group: Kafka gives each partition one writer.
  const persister = config.PERSISTER === "inline" ? new Persister(services) : undefined;
  await persister?.start();

  const realtime = createRealtimeApp(services);
  const server = serve({ fetch: realtime.app.fetch, hostname: config.HOST, port: config.PORT });
  realtime.attach(server as Server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));

  const base = `http://localhost:${config.PORT}`;
  const lines = [
    "Parley is running:",
    `  web client       ${base}/`,
    `  admin dashboard  ${base}/admin/`,
    `  readiness        ${base}/readyz`,
    `  socket           ws://localhost:${config.PORT}/ws`,
    `  calls            ${config.SFU_URLS.length > 0 ? `SFU ${config.SFU_URLS.join(", ")}` : "off (no SFU_URLS)"}`,
    `  database ${services.dbKind}, bus ${services.bus.kind}, log ${services.log.kind}${persister ? ", persister inline" : ""}`,
  ];
  if (boot.created) {
    lines.push(
      `  first admin      ${boot.adminEmail}${boot.generatedPassword ? ` / password ${boot.generatedPassword} (shown once)` : ""}`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    realtime.closeSockets();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
    await persister?.stop();
    await services.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Parley failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
