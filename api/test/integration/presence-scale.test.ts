// Presence at the scale of a full node without opening thousands of sockets: trackers driven directly with
// socket-like objects against real Redis and PostgreSQL, with a 3 s ttl. A renewal pass is one batch
// whatever the number of sockets, nobody flaps across several ttls, a crashed tracker's users go offline
// through another tracker's sweep, and bursts of connects, closes and a shutdown are coalesced.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Kv } from "../../src/lib/kv.js";
import { type PresenceSocket, PresenceTracker } from "../../src/presence/tracker.js";
import { type Ephemeral, ephemeralTopic } from "../../src/realtime/ephemeral.js";
import type { Running } from "../../src/start-services.js";
import { createChannel } from "../support/fixtures.js";
import { waitFor } from "../support/socket-client.js";
import { createTestStack, type TestStack } from "../support/stack.js";

const TTL_MS = 3000;
/** Sweeps run on timers and Redis/PostgreSQL answer late on a loaded 2-core machine: the slack allowed. */
const LOAD_MARGIN_MS = 2000;
/** Waits that only let work finish (no bound is promised): generous, so load cannot fail them. */
const SETTLE_MS = 20_000;
const USERS = 600;
let stack: TestStack;
let services: Running;
let users: string[];
type Presence = Extract<Ephemeral, { type: "presence" }>;
/** Every presence change published to the one channel all users share. */
const heard: Presence[] = [];
const trackers: PresenceTracker[] = [];

beforeAll(async () => {
  stack = await createTestStack({ redis: true });
  services = await stack.open();
  users = Array.from({ length: USERS }, () => randomUUID());
  await services.db.user.createMany({
    data: users.map((id) => ({ id, email: `${id}@parley.test`, displayName: id.slice(0, 8) })),
  });
  const channel = await createChannel(services.db, users);
  await services.bus.subscribe(ephemeralTopic(channel.id), (payload) => {
    const message = JSON.parse(payload) as Ephemeral;
    if (message.type === "presence") heard.push(message);
  });
}, 120_000);

afterAll(async () => {
  for (const tracker of trackers) tracker.stop();
  await stack?.cleanup();
});

/** A tracker as one API node would hold it, with every Kv call it makes counted. */
function node(name: string, ttl = TTL_MS) {
  const calls: string[] = [];
  const kv = new Proxy(services.kv, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return value.apply(target, args);
      };
    },
  }) as Kv;
  const config = { ...services.config, PRESENCE_TTL_MS: ttl, NODE_ID: name };
  const tracker = new PresenceTracker({ ...services, kv, config });
  trackers.push(tracker);
  return { tracker, calls };
}

const socketsOf = (userIds: string[]): PresenceSocket[] => userIds.map((userId) => ({ id: randomUUID(), userId }));
const heardFrom = (userIds: string[], since: number) => {
  const wanted = new Set(userIds);
  return heard.slice(since).filter((m) => wanted.has(m.userId));
};
const statusesOf = (tracker: PresenceTracker, userIds: string[]) =>
  Promise.all(userIds.map((id) => tracker.statusOf(id)));

it("renews hundreds of sockets in one batch, keeps them online across ttls, and a crashed node's users go offline", async () => {
  const onlyA = users.slice(0, 200);
  const both = users.slice(200, 250);
  const onlyB = users.slice(250, 300);
  const a = node("node-a");
  const b = node("node-b");
  const aSockets = socketsOf([...onlyA, ...onlyA.slice(0, 50), ...both]);
  const bSockets = socketsOf([...both, ...onlyB]);
  const awaySocket = aSockets[60] as PresenceSocket; // the only socket of onlyA[60]

  // 350 sockets connecting at once: a handful of Kv calls, not a few per socket.
  await Promise.all(aSockets.map((s) => a.tracker.connected(s)));
  expect(a.calls.length).toBeLessThanOrEqual(12);
  await Promise.all(bSockets.map((s) => b.tracker.connected(s)));
  await waitFor(() => heardFrom(users.slice(0, 300), 0).length === 300, "everyone online", SETTLE_MS);
  expect(await a.tracker.setStatus(awaySocket.userId, awaySocket.id, "away")).toBe("away");

  a.calls.length = 0;
  await a.tracker.renew();
  expect(a.calls).toEqual(["touchMembers"]);

  const quietFrom = heard.length;
  a.tracker.start();
  b.tracker.start();
  await new Promise((r) => setTimeout(r, TTL_MS * 4));
  expect(heard.slice(quietFrom)).toEqual([]);
  const expected = [...onlyA, ...both, ...onlyB].map((id) => (id === awaySocket.userId ? "away" : "online"));
  expect(await statusesOf(a.tracker, [...onlyA, ...both, ...onlyB])).toEqual(expected);

  const crashedAt = Date.now();
  const crashFrom = heard.length;
  a.tracker.stop();
  await waitFor(() => heardFrom(onlyA, crashFrom).length === onlyA.length, "node A's users offline", TTL_MS * 4);
  const elapsed = Date.now() - crashedAt;
  console.log(`stopped node's users offline after ${elapsed} ms (promise 1.25 × ttl = ${TTL_MS * 1.25} ms)`);
  expect(elapsed, `within 1.25 × ttl + ${LOAD_MARGIN_MS} ms load margin`).toBeLessThanOrEqual(
    TTL_MS * 1.25 + LOAD_MARGIN_MS,
  );
  const offline = heardFrom(onlyA, crashFrom);
  expect(offline.every((m) => m.status === "offline" && m.lastSeenAt !== null)).toBe(true);
  await new Promise((r) => setTimeout(r, TTL_MS / 2));
  expect(heardFrom([...both, ...onlyB], crashFrom)).toEqual([]);
  expect(new Set(await statusesOf(b.tracker, [...both, ...onlyB]))).toEqual(new Set(["online"]));
  const { rows } = await services.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "User" WHERE id = ANY($1::uuid[]) AND "lastSeenAt" IS NOT NULL`,
    [onlyA],
  );
  expect(rows[0]?.n).toBe(onlyA.length);
  b.tracker.stop();
}, 60_000);

it("coalesces a burst of closes, and a shutdown announces a node's users at once", async () => {
  const closing = users.slice(300, 400);
  const staying = users.slice(400, 600);
  // A long ttl, so "announced at once" cannot be confused with the ttl running out.
  const LONG_TTL_MS = 60_000;
  const c = node("node-c", LONG_TTL_MS);
  const closingSockets = socketsOf([...closing, ...closing]);
  const stayingSockets = socketsOf(staying);
  await Promise.all([...closingSockets, ...stayingSockets].map((s) => c.tracker.connected(s)));
  await waitFor(() => heardFrom([...closing, ...staying], 0).length === 300, "everyone online", SETTLE_MS);

  c.calls.length = 0;
  const closedFrom = heard.length;
  await Promise.all(closingSockets.map((s) => c.tracker.disconnected(s)));
  expect(c.calls.length).toBeLessThanOrEqual(6);
  await waitFor(() => heardFrom(closing, closedFrom).length === closing.length, "closed users offline", SETTLE_MS);
  expect(heardFrom(closing, closedFrom).every((m) => m.status === "offline")).toBe(true);

  const shutdownFrom = heard.length;
  const startedAt = Date.now();
  await c.tracker.shutdown();
  await waitFor(() => heardFrom(staying, shutdownFrom).length === staying.length, "node C's users offline", SETTLE_MS);
  const announcedAfter = Date.now() - startedAt;
  console.log(`shutdown announced ${staying.length} users offline after ${announcedAfter} ms (ttl ${LONG_TTL_MS} ms)`);
  expect(announcedAfter, "announced by the shutdown, long before the ttl").toBeLessThan(LONG_TTL_MS / 4);
  expect(heardFrom(staying, shutdownFrom).every((m) => m.status === "offline" && m.lastSeenAt)).toBe(true);
  c.calls.length = 0;
  await Promise.all(stayingSockets.map((s) => c.tracker.disconnected(s)));
  expect(c.calls).toEqual([]);
});
