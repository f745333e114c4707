// The SFU process: mediasoup workers, the calls they host and the internal channel API nodes use.
// Run: SFU_SECRET=… MEDIASOUP_WORKER_BIN=… node --import tsx src/main.ts (see README.md).
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Calls } from "./calls.js";
import { ConfigError, loadConfig } from "./config.js";
import { startGateway } from "./gateway.js";
import { SFU_PATH } from "./protocol.js";
import { WorkerPool } from "./workers.js";

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`sfu: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const log = pino({ level: config.LOG_LEVEL, base: { node: config.SFU_NODE_ID } });
  const pool = await WorkerPool.start(config, log);
  const calls = new Calls(pool, config, log);
  const server = await startGateway(calls, log);
  const { port } = server.address() as AddressInfo;
  // Tests and ops scripts wait for this line.
  log.info({ url: `ws://${config.SFU_HOST}:${port}${SFU_PATH}` }, "sfu ready");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: ending every call");
    calls.closeAll("shutdown");
    for (const link of calls.links) link.close();
    server.close();
    pool.close();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`sfu: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
