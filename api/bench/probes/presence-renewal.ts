// One presence renewal pass for 20,000 sockets of one node: wall time, CPU and Redis round trips, the old
// way (each socket renewed with awaited calls, one after another) against the batched pass of
// presence/tracker.ts (BENCHMARKS.md finding 1). Also a shutdown of the node (finding 8).
// Run: cd api && node --import tsx bench/probes/presence-renewal.ts [sockets]
import { randomUUID } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadConfig } from "../../src/config.js";
import { RedisKv } from "../../src/lib/kv.js";
import { createLogger } from "../../src/lib/logger.js";
import { createRedis } from "../../src/lib/redis.js";
import { PresenceTracker } from "../../src/presence/tracker.js";
import { startServices } from "../../src/start-services.js";
import { seedChannels, seedMembers, seedUsers } from "../lib/seed.js";
import { cleanupRun, createStack } from "../lib/stack.js";

const SOCKETS = Number(process.argv[2] ?? 20_000);
const stack = await createStack("probe-presence");
const config = loadConfig(stack.env);
const services = await startServices(config, createLogger("warn", "probe"), { migrate: false });
// Our own Redis client, counting what goes out: each exec of a pipeline or MULTI is one round trip.
const redis = createRedis(config.REDIS_URL as string, "probe-presence");
let roundTrips = 0;
for (const method of ["pipeline", "multi"] as const) {
  const original = redis[method].bind(redis) as (...args: unknown[]) => { exec: (...a: unknown[]) => unknown };
  (redis as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
    const batch = original(...args);
    const exec = batch.exec.bind(batch);
    batch.exec = (...a: unknown[]) => {
      roundTrips++;
      return exec(...a);
    };
    return batch;
  };
}
const kv = new RedisKv(redis, config.REDIS_PREFIX);

async function measure(what: string, pass: () => Promise<unknown>) {
  roundTrips = 0;
  // The longest the event loop was held at once: on a node, every delivery waits that long.
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await pass();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  stalls.disable();
  console.log(
    `${what.padEnd(44)} wall ${wall.toFixed(0).padStart(6)} ms, cpu ${((used.user + used.system) / 1000).toFixed(0).padStart(5)} ms, ` +
      `${String(roundTrips).padStart(6)} Redis round trips, longest stall ${(stalls.max / 1e6).toFixed(0)} ms`,
  );
}

try {
  // As in the benchmark: each user in one channel of 100, so each change reaches 99 co-members.
  const users = await seedUsers(stack.db, SOCKETS, "probe");
  const channels = await seedChannels(stack.db, Math.ceil(SOCKETS / 100), "probe");
  await seedMembers(
    stack.db,
    users.map((u, i) => ({ channelId: channels[Math.floor(i / 100)] as string, userId: u.id })),
  );
  const sockets = users.map((u) => ({ id: randomUUID(), userId: u.id }));
  const tracker = new PresenceTracker({ ...services, kv });
  const ttl = config.PRESENCE_TTL_MS;
  console.log(
    `${SOCKETS} sockets of ${SOCKETS} users in channels of 100, PRESENCE_TTL_MS ${ttl} (a pass every ${ttl / 3} ms)`,
  );
  await measure(`connect all at once (batched)`, () => Promise.all(sockets.map((s) => tracker.connected(s))));
  await measure("old renewal pass (3 awaited calls per socket)", async () => {
    for (const { id, userId } of sockets) {
      await kv.touchMembers([{ key: `presence:${userId}`, member: id }], ttl);
      await kv.touchMembers([{ key: "presence:online", member: userId }], ttl);
      const [away] = await kv.liveMembersOf([`presence-away:${userId}`]);
      if (away?.includes(id)) await kv.touchMembers([{ key: `presence-away:${userId}`, member: id }], ttl);
    }
  });
  for (let i = 1; i <= 3; i++) await measure(`renewal pass ${i} (one batch)`, () => tracker.renew());
  await measure("shutdown (every socket leaves, announced)", () => tracker.shutdown());
} finally {
  redis.disconnect();
  await services.close();
  await stack.cleanup();
  await cleanupRun();
}
