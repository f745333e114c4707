// CPU and wall time of the query behind Connection.applyMembership (a socket hears it joined channels and
// starts their events from their stored positions): as it was on Prisma (findMany) against the prepared
// pg statement it is now (realtime/channel-cursor.ts storedPositions), for 3 channels.
// Run: cd api && KAFKA_PORT=9192 node --import tsx bench/probes/channel-positions.ts (services up).
import os from "node:os";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { storedPositions } from "../../src/realtime/channel-cursor.js";
import { startServices } from "../../src/start-services.js";
import { seedChannels } from "../lib/seed.js";
import { cleanupRun, createStack } from "../lib/stack.js";
import { timeEach } from "./time-each.js";

const stack = await createStack("probe-positions");
const services = await startServices(loadConfig(stack.env), createLogger("warn", "probe"), { migrate: false });
try {
  const joined = await seedChannels(stack.db, 3, "probe");
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (CPU per call is this process's own)`,
  );
  await timeEach("channel positions as it was (Prisma findMany)", () =>
    services.db.channel.findMany({ where: { id: { in: joined } }, select: { id: true, lastSeq: true } }),
  );
  await timeEach("channel positions (one prepared pg statement)", () => storedPositions(services.sql, joined));
} finally {
  await services.close();
  await stack.cleanup();
  await cleanupRun();
}
