// CPU per event of the persister's store step (persister/store-events.ts storeEvents, plain pg) by batch
// size: the fixed cost of one batch against the cost of each event. Run: cd api && node --import tsx bench/probes/persister-batch.ts
import { randomUUID } from "node:crypto";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { storeEvents } from "../../src/persister/store-events.js";
import type { PendingChannelEvent } from "../../src/realtime/channel-events.js";
import { startServices } from "../../src/start-services.js";
import { type SeededUser, seedChannels, seedMembers, seedUsers } from "../lib/seed.js";
import { cleanupRun, createStack } from "../lib/stack.js";

const stack = await createStack("probe-persist");
const services = await startServices(loadConfig(stack.env), createLogger("warn", "probe"), { migrate: false });
try {
  const channels = await seedChannels(stack.db, 50, "probe");
  const [user] = (await seedUsers(stack.db, 1, "probe")) as [SeededUser];
  await seedMembers(
    stack.db,
    channels.map((channelId) => ({ channelId, userId: user.id })),
  );
  const event = (i: number) =>
    ({
      type: "messageCreated",
      eventId: randomUUID(),
      at: new Date().toISOString(),
      channelId: channels[i % channels.length],
      actorId: user.id,
      data: {
        messageId: randomUUID(),
        clientId: randomUUID(),
        body: "a message of about a hundred bytes ".repeat(3),
        parentId: null,
        mentions: { userIds: [], channel: false, hereUserIds: [] },
      },
    }) as PendingChannelEvent;
  for (const size of [1, 10, 100, 1000]) {
    const batches = Math.max(5, Math.floor(2000 / size));
    const batch = () => Array.from({ length: size }, (_, i) => event(i));
    for (let b = 0; b < 3; b++) await storeEvents(services.sql, batch());
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let b = 0; b < batches; b++) await storeEvents(services.sql, batch());
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - started;
    const us = used.user + used.system;
    console.log(
      `batch ${String(size).padStart(4)}: cpu ${(us / 1000 / batches).toFixed(2)} ms/batch, ${Math.round(us / (batches * size))} µs/event; ` +
        `wall ${(wall / batches).toFixed(1)} ms/batch → ${Math.round((batches * size) / (wall / 1000))} events/s on one connection`,
    );
  }
} finally {
  await services.close();
  await stack.cleanup();
  await cleanupRun();
}
