// DATABASE_REPLICA_URL: history, stored events, threads and search read from a streaming replica, with
// read-your-writes (a channel the replica has not replayed as far as the primary is read from the primary),
// permissions asked of the primary, and the primary taking over when the replica fails. A private primary
// and replica (test/support/pg-replica.ts) so replay can be paused and the replica stopped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { replicaReads } from "../../src/lib/metrics.js";
import { migrateDeploy } from "../../src/lib/migrate.js";
import { Persister } from "../../src/persister/persister.js";
import { type Running, startServices } from "../../src/start-services.js";
import { type PgReplicaPair, postgresBinaries, startPgReplicaPair } from "../support/pg-replica.js";
import { type Client, createChannelAs, post, signIn } from "./channels/support.js";

const bin = postgresBinaries();
if (!bin)
  console.warn(
    "read-replica: skipped — no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)",
  );

let pair: PgReplicaPair;
let services: Running;
let persister: Persister;
let alice: Client;
let bob: Client;

async function reads() {
  const values = (await replicaReads.get()).values;
  const of = (target: string) => values.find((v) => v.labels.target === target)?.value ?? 0;
  return { replica: of("replica"), primary: of("primary") };
}

/** The change in the replica/primary read counters over `fn`. */
async function counted<T>(fn: () => Promise<T>) {
  const before = await reads();
  const result = await fn();
  const after = await reads();
  return { result, replica: after.replica - before.replica, primary: after.primary - before.primary };
}

describe.skipIf(!bin)("read replica", () => {
  beforeAll(async () => {
    pair = await startPgReplicaPair(bin as string);
    await migrateDeploy(pair.primaryUrl);
    const env = {
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATABASE_URL: pair.primaryUrl,
      DATABASE_REPLICA_URL: pair.replicaUrl,
      ADMIN_EMAIL: "owner@parley.test",
      ADMIN_PASSWORD: "owner-password-123",
    };
    services = await startServices(loadConfig(env), createLogger("warn", "read-replica"), { migrate: false });
    persister = new Persister(services);
    await persister.start();
    alice = await signIn(services, "member", "Alice");
    bob = await signIn(services, "member", "Bob");
  }, 360_000); // initdb, a base backup and the migrations: ~30 s quiet, over 120 s at load average 50

  afterAll(async () => {
    await persister?.stop();
    await services?.close();
    await pair?.stop();
  });

  it("serves history, events, threads and search from the replica once it has replayed the channel", async () => {
    const channel = await createChannelAs(alice, "public");
    expect((await bob.call("POST", `/api/channels/${channel.id}/join`)).status).toBe(200);
    const root = await post(services, alice, channel.id, "first words about turnips");
    await post(services, bob, channel.id, "a reply about parsnips", root.id);
    await post(services, alice, channel.id, "second words");
    await pair.caughtUp();

    const page = await counted(() => bob.call("GET", `/api/channels/${channel.id}/messages`));
    expect(page.result.status).toBe(200);
    expect(page.result.body.messages.map((m: { body: string }) => m.body)).toEqual([
      "first words about turnips",
      "second words",
    ]);
    expect(page).toMatchObject({ replica: 1, primary: 0 });

    const events = await counted(() => bob.call("GET", `/api/channels/${channel.id}/events?after=0`));
    expect(events.result.body.lastSeq).toBe(events.result.body.events.at(-1).seq);
    expect(events).toMatchObject({ replica: 1, primary: 0 });

    const thread = await counted(() => bob.call("GET", `/api/messages/${root.id}/thread`));
    expect(thread.result.body.replies.map((m: { body: string }) => m.body)).toEqual(["a reply about parsnips"]);
    expect(thread).toMatchObject({ replica: 1, primary: 0 });

    const search = await counted(() => bob.call("GET", "/api/search?q=turnips"));
    expect(search.result.body.hits.map((h: { id: string }) => h.id)).toEqual([root.id]);
    expect(search).toMatchObject({ replica: 1, primary: 0 });
  });

  it("reads a channel the replica lags behind from the primary, and asks the primary who may read", async () => {
    const channel = await createChannelAs(alice, "private");
    expect((await alice.call("POST", `/api/channels/${channel.id}/members`, { userIds: [bob.user.id] })).status).toBe(
      200,
    );
    await post(services, alice, channel.id, "before the pause: beetroot");
    await pair.caughtUp();
    await pair.pauseReplay(true);
    try {
      await post(services, alice, channel.id, "while the replica is paused: celeriac");

      // Read-your-writes: the replica's copy of the channel is behind, so the primary answers, complete.
      const page = await counted(() => alice.call("GET", `/api/channels/${channel.id}/messages`));
      expect(page.result.body.messages.map((m: { body: string }) => m.body)).toEqual([
        "before the pause: beetroot",
        "while the replica is paused: celeriac",
      ]);
      expect(page).toMatchObject({ replica: 0, primary: 1 });
      const events = await alice.call("GET", `/api/channels/${channel.id}/events?after=0`);
      expect(events.body.events.at(-1).seq).toBe(events.body.lastSeq);

      // Bob is removed on the primary; the paused replica still lists him as a member. He is refused at
      // once, and search (which may run on the replica) does not reach the channel either.
      const removed = await alice.call("DELETE", `/api/channels/${channel.id}/members/${bob.user.id}`);
      expect(removed.status).toBe(204);
      expect([403, 404]).toContain((await bob.call("GET", `/api/channels/${channel.id}/messages`)).status);
      const search = await counted(() => bob.call("GET", "/api/search?q=beetroot"));
      expect(search.result.status).toBe(200);
      expect(search.result.body.hits).toEqual([]);
      expect(search).toMatchObject({ replica: 1 });
    } finally {
      await pair.pauseReplay(false);
    }
    await pair.caughtUp();
    const again = await counted(() => alice.call("GET", `/api/channels/${channel.id}/messages`));
    expect(again.result.body.messages).toHaveLength(2);
    expect(again).toMatchObject({ replica: 1, primary: 0 });
  });

  it("falls back to the primary when the replica is down", async () => {
    const channel = await createChannelAs(alice, "public");
    await post(services, alice, channel.id, "still readable: kohlrabi");
    await pair.stopReplica();
    const page = await counted(() => alice.call("GET", `/api/channels/${channel.id}/messages`));
    expect(page.result.status).toBe(200);
    expect(page.result.body.messages.map((m: { body: string }) => m.body)).toEqual(["still readable: kohlrabi"]);
    expect(page).toMatchObject({ replica: 0, primary: 1 });
    const search = await counted(() => alice.call("GET", "/api/search?q=kohlrabi"));
    expect(search.result.body.hits).toHaveLength(1);
    expect(search).toMatchObject({ replica: 0, primary: 1 });
  }, 60_000);
});
