// The socket quotas across two API processes sharing Redis (quotas/socket-counts.ts): a user's limit holds
// across nodes, also when both nodes are asked at once; counts the store lost are rewritten by the next
// renewal; and a node killed with -9 stops counting within SOCKET_COUNTS_TTL_MS (it renews every ttl/3, so
// its entry expires at most ttl after it died). The bound below adds a margin for a loaded 2-core machine;
// the measured time is printed.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { testEnv } from "../support/env.js";
import { createUser } from "../support/fixtures.js";
import { ORIGIN } from "../support/http.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { sessionToken, TestSocket } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const TTL_MS = 3000;
const LOAD_MARGIN_MS = 10_000;

let stack: TestStack;
let services: Running;
let nodes: ApiProcess[] = [];
let redis: Redis;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  stack = await createTestStack({ redis: true });
  services = await stack.open();
  redis = new Redis(testEnv.redisUrl);
  nodes = await Promise.all(
    [1, 2].map((n) =>
      startApi({
        ...stack.env,
        NODE_ID: `quota-${n}`,
        PUBLIC_ORIGIN: ORIGIN,
        SOCKETS_PER_USER: "2",
        SOCKET_COUNTS_TTL_MS: String(TTL_MS),
      }),
    ),
  );
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis?.quit();
  await stack?.cleanup();
});

async function connect(node: ApiProcess, token: string) {
  const socket = await TestSocket.connect(node.url, token);
  sockets.push(socket);
  return socket;
}

/** What a plain GET /ws answers (no upgrade follows): the status the next upgrade would get. */
async function upgradeStatus(node: ApiProcess, token: string) {
  return (await fetch(`${node.url}/ws`, { headers: { cookie: `parley_session=${token}` } })).status;
}

async function userToken() {
  return sessionToken(services.db, (await createUser(services.db)).id);
}

describe("socket quotas across nodes", () => {
  it("a user's limit holds across both nodes, also when both are asked at once", async () => {
    const [one, two] = nodes as [ApiProcess, ApiProcess];
    const alice = await userToken();
    await connect(one, alice);
    await connect(two, alice);
    expect(await upgradeStatus(one, alice)).toBe(429);
    expect(await upgradeStatus(two, alice)).toBe(429);
    await expect(connect(one, alice)).rejects.toThrow("upgrade refused: 429");

    const bob = await userToken();
    const tries = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => connect(i % 2 ? one : two, bob)));
    const opened = tries.filter((t) => t.status === "fulfilled").length;
    console.log(`6 simultaneous upgrades of one user over two nodes, limit 2: ${opened} opened`);
    expect(opened).toBe(2);
  });

  it("counts the store lost are written again by the next renewal", async () => {
    const [one, two] = nodes as [ApiProcess, ApiProcess];
    const carolId = (await createUser(services.db)).id;
    const carol = await sessionToken(services.db, carolId);
    await connect(one, carol);
    await connect(two, carol);
    expect(await upgradeStatus(one, carol)).toBe(429);
    const keys = await redis.keys(`${stack.config.REDIS_PREFIX}{node-counts}:quota-*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    // Polled in Redis itself: a GET /ws would claim and release a place of its own.
    const counted = async () => {
      const users = await redis.keys(`${stack.config.REDIS_PREFIX}{node-counts}:quota-*:user`);
      const counts = await Promise.all(users.map((key) => redis.hget(key, carolId)));
      return counts.reduce((sum, n) => sum + Number(n ?? 0), 0);
    };
    const deadline = Date.now() + TTL_MS / 3 + LOAD_MARGIN_MS;
    while ((await counted()) !== 2) {
      if (Date.now() > deadline) throw new Error(`lost counts were not rewritten: ${await counted()} of 2`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await upgradeStatus(one, carol)).toBe(429);
  });

  it("a node killed with -9 stops counting within SOCKET_COUNTS_TTL_MS", async () => {
    const [one, two] = nodes as [ApiProcess, ApiProcess];
    const dave = await userToken();
    await connect(one, dave);
    await connect(two, dave);
    expect(await upgradeStatus(one, dave)).toBe(429);
    await two.kill9();
    const killedAt = Date.now();
    const bound = TTL_MS + LOAD_MARGIN_MS;
    while ((await upgradeStatus(one, dave)) === 429) {
      if (Date.now() - killedAt > bound) throw new Error(`the dead node still counts after ${bound} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const ms = Date.now() - killedAt;
    console.log(`a killed node's sockets stopped counting after ${ms} ms (ttl ${TTL_MS} ms, bound ${bound} ms)`);
    await connect(one, dave);
    expect(await upgradeStatus(one, dave)).toBe(429); // the live node's one and the new one
  });
});
