// Settling presence: the Lua script in the real Redis and the in-process kv give the rule's answer
// (statusFrom) for any mix of live, expired and leaving sockets, away marks and stored statuses, and store
// the status only when it changed.
import fc from "fast-check";
import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { testEnv } from "../../test/support/env.js";
import { redisPrefix, uniqueSuffix } from "../../test/support/names.js";
import { MemoryKv, RedisKv } from "./kv.js";
import { type Status, statusFrom } from "./presence-status.js";

const prefix = redisPrefix(uniqueSuffix());
const redis = new Redis(testEnv.redisUrl);
const redisKv = new RedisKv(redis, prefix);
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const HOUR = 3_600_000;
interface User {
  sockets: { live: boolean; away: "none" | "live" | "expired"; leaves: boolean }[];
  stored: Status | null;
}
const socketArb = fc.record({
  live: fc.boolean(),
  away: fc.constantFrom<"none" | "live" | "expired">("none", "live", "expired"),
  leaves: fc.boolean(),
});
const userArb: fc.Arbitrary<User> = fc.record({
  sockets: fc.array(socketArb, { maxLength: 4 }),
  stored: fc.constantFrom<Status | null>(null, "online", "away", "offline"),
});

let run = 0;
/** Seeds one user's sets and status in a kv through `zadd`/`set`, the same for both kvs. */
async function seed(
  user: User,
  zadd: (key: string, score: number, member: string) => Promise<unknown>,
  set: (key: string, value: string) => Promise<unknown>,
) {
  const id = `u${run++}`;
  const keys = { sockets: `s:{${id}}`, away: `a:{${id}}`, status: `st:{${id}}` };
  const now = Date.now();
  for (const [i, s] of user.sockets.entries()) {
    await zadd(keys.sockets, s.live ? now + HOUR : now - HOUR, `c${i}`);
    if (s.away !== "none") await zadd(keys.away, s.away === "live" ? now + HOUR : now - HOUR, `c${i}`);
  }
  if (user.stored) await set(keys.status, user.stored);
  const remove = user.sockets.flatMap((s, i) => (s.leaves ? [`c${i}`] : []));
  return { ...keys, remove };
}

/** The rule applied to what was seeded: sockets still live after the leaves, away marks still live. */
function expected(user: User): { status: Status; previous: Status } {
  const live = user.sockets.flatMap((s, i) => (s.live && !s.leaves ? [`c${i}`] : []));
  const away = new Set(user.sockets.flatMap((s, i) => (s.away === "live" && !s.leaves ? [`c${i}`] : [])));
  return { status: statusFrom(live, away), previous: user.stored ?? "offline" };
}

describe("settleStatuses", () => {
  it("gives the rule's status in Redis (one script per user) and in process, storing it when it changed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(userArb, { minLength: 1, maxLength: 6 }), async (users) => {
        const memory = new MemoryKv();
        const inRedis = [];
        const inMemory = [];
        for (const user of users) {
          inRedis.push(
            await seed(
              user,
              (k, score, m) => redis.zadd(prefix + k, score, m),
              (k, v) => redis.set(prefix + k, v, "PX", HOUR),
            ),
          );
          inMemory.push(
            await seed(
              user,
              (k, score, m) => memory.touchMembers([{ key: k, member: m }], score - Date.now()),
              (k, v) => memory.set(k, v, HOUR),
            ),
          );
        }
        const want = users.map(expected);
        expect(await redisKv.settleStatuses(inRedis, HOUR)).toEqual(want);
        expect(await memory.settleStatuses(inMemory, HOUR)).toEqual(want);
        // Stored now: the new status where it changed, what was there (or nothing) where it did not.
        const storedAfter = (u: User, w: (typeof want)[0]) => (w.status !== w.previous ? w.status : u.stored);
        expect(await Promise.all(inRedis.map((k) => redis.get(prefix + k.status)))).toEqual(
          users.map((u, i) => storedAfter(u, want[i] as (typeof want)[0])),
        );
        expect(await Promise.all(inMemory.map((k) => memory.get(k.status)))).toEqual(
          users.map((u, i) => storedAfter(u, want[i] as (typeof want)[0])),
        );
        // The leaving sockets are gone from both sets.
        for (const k of inRedis)
          for (const member of k.remove) {
            expect(await redis.zscore(prefix + k.sockets, member)).toBeNull();
            expect(await redis.zscore(prefix + k.away, member)).toBeNull();
          }
      }),
      { numRuns: 60 },
    );
  });
});
