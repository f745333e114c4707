// storeEvents against the real database: a batch mixing messages with their replies, mentions, edits,
// deletions and reactions leaves the same rows as storing its events one at a time; a replayed batch
// stores nothing twice; a repeated send and an event for a missing channel are dropped.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeEvents } from "../../src/persister/store-events.js";
import type { PendingChannelEvent } from "../../src/realtime/channel-events.js";
import type { Running } from "../../src/start-services.js";
import { createChannel, createUser } from "../support/fixtures.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;

beforeAll(async () => {
  stack = await createTestStack();
  services = await stack.open();
});

afterAll(async () => {
  await stack?.cleanup();
});

type Data<T extends PendingChannelEvent["type"]> = Extract<PendingChannelEvent, { type: T }>["data"];

/** Builds events for one channel; message ids are names ("m1") mapped to fresh uuids per channel. */
function script(channelId: string, ids = new Map<string, string>()) {
  const id = (name: string) => ids.get(name) ?? (ids.set(name, randomUUID()).get(name) as string);
  let tick = 0;
  const at = () => new Date(Date.parse("2026-01-01T00:00:00Z") + 1000 * ++tick).toISOString();
  const base = (actorId: string) => ({ eventId: randomUUID(), channelId, actorId, at: at() });
  return {
    id,
    create: (actorId: string, name: string, body: string, more: Partial<Data<"messageCreated">> = {}) =>
      ({
        ...base(actorId),
        type: "messageCreated",
        data: { messageId: id(name), clientId: `${channelId}/${name}`, body, parentId: null, ...more },
      }) as PendingChannelEvent,
    edit: (actorId: string, name: string, body: string) =>
      ({ ...base(actorId), type: "messageEdited", data: { messageId: id(name), body } }) as PendingChannelEvent,
    remove: (actorId: string, name: string) =>
      ({ ...base(actorId), type: "messageDeleted", data: { messageId: id(name) } }) as PendingChannelEvent,
    react: (actorId: string, name: string, emoji: string, added = true) =>
      ({
        ...base(actorId),
        type: added ? "reactionAdded" : "reactionRemoved",
        data: { messageId: id(name), emoji },
      }) as PendingChannelEvent,
    join: (actorId: string) =>
      ({ ...base(actorId), type: "memberJoined", data: { userId: actorId } }) as PendingChannelEvent,
  };
}

/** A channel's rows with message ids replaced by their names and times by offsets, to compare two channels. */
async function snapshot(channelId: string, ids: Map<string, string>) {
  const name = new Map([...ids].map(([n, uuid]) => [uuid, n]));
  const messages = await services.db.message.findMany({
    where: { channelId },
    orderBy: { seq: "asc" },
    include: {
      reactions: { orderBy: [{ userId: "asc" }, { emoji: "asc" }] },
      mentions: { orderBy: { userId: "asc" } },
    },
  });
  return messages.map((m) => ({
    name: name.get(m.id),
    seq: m.seq,
    body: m.body,
    parent: m.parentId && name.get(m.parentId),
    replyCount: m.replyCount,
    editedAt: m.editedAt?.toISOString() ?? null,
    deletedAt: m.deletedAt?.toISOString() ?? null,
    reactions: m.reactions.map((r) => [r.userId, r.emoji, r.createdAt.toISOString()]),
    mentions: m.mentions.map((x) => [x.userId, x.kind, x.seq]),
  }));
}

describe("storeEvents", () => {
  it("stores a mixed batch exactly as storing its events one by one", async () => {
    const [ann, bob, cy] = await Promise.all([
      createUser(services.db),
      createUser(services.db),
      createUser(services.db),
    ]);
    const members = [ann.id, bob.id, cy.id];
    const events = (s: ReturnType<typeof script>) => [
      s.create(ann.id, "m1", "hello"),
      s.react(bob.id, "m1", "👍"),
      s.edit(ann.id, "m1", "hello, edited"),
      s.react(cy.id, "m1", "👍"),
      s.react(bob.id, "m1", "👍"),
      s.create(bob.id, "r1", "a reply", { parentId: s.id("m1") }),
      s.create(cy.id, "r2", "another", {
        parentId: s.id("m1"),
        mentions: { userIds: [ann.id], channel: true, hereUserIds: [bob.id] },
      }),
      s.edit(ann.id, "m1", "hello, edited twice"),
      s.create(ann.id, "m2", "to delete", {
        mentions: { userIds: [bob.id, ann.id], channel: false, hereUserIds: [cy.id] },
      }),
      s.remove(ann.id, "m2"),
      s.edit(ann.id, "m2", "edit after delete does nothing"),
      s.react(bob.id, "m2", "🎉"),
      s.react(bob.id, "m2", "🎉", false),
      s.react(cy.id, "m2", "🎉", false),
      s.react(bob.id, "m2", "🎉"),
      s.join(cy.id),
      s.react(cy.id, "r1", "👀"),
      s.remove(bob.id, "r1"),
      s.remove(bob.id, "r1"),
    ];

    const batched = await createChannel(services.db, members);
    const batchedIds = new Map<string, string>();
    const batch = events(script(batched.id, batchedIds));
    const { committed, orphaned } = await storeEvents(services.sql, batch);
    expect(orphaned).toEqual([]);
    expect(committed.map((e) => [e.eventId, e.seq])).toEqual(batch.map((e, i) => [e.eventId, i + 1]));

    const single = await createChannel(services.db, members);
    const singleIds = new Map<string, string>();
    for (const e of events(script(single.id, singleIds))) await storeEvents(services.sql, [e]);

    const stored = await snapshot(batched.id, batchedIds);
    expect(stored).toEqual(await snapshot(single.id, singleIds));
    // And what that is, spelled out for the parts that order decides.
    const [m1, , r2, m2] = stored;
    expect(m1).toMatchObject({ name: "m1", body: "hello, edited twice", replyCount: 2, editedAt: batch[7]?.at });
    expect(m1?.reactions.map(([userId, emoji]) => [userId, emoji]).sort()).toEqual(
      [
        [bob.id, "👍"],
        [cy.id, "👍"],
      ].sort(),
    );
    expect(m1?.reactions.find(([userId]) => userId === bob.id)?.[2]).toBe(batch[1]?.at);
    expect(r2?.mentions.map(([userId, kind]) => [userId, kind]).sort()).toEqual(
      [
        [ann.id, "channel"],
        [bob.id, "channel"],
      ].sort(),
    );
    expect(m2).toMatchObject({ body: "", deletedAt: batch[9]?.at, editedAt: null });
    expect(m2?.reactions.map(([userId, emoji]) => [userId, emoji])).toEqual([[bob.id, "🎉"]]);
    expect(m2?.mentions.map(([userId, kind]) => [userId, kind]).sort()).toEqual(
      [
        [bob.id, "user"],
        [cy.id, "here"],
      ].sort(),
    );
  });

  it("keeps only a message's current text in its stored events: edited versions rewritten, deleted ones blanked", async () => {
    const ann = await createUser(services.db);
    const channel = await createChannel(services.db, [ann.id]);
    const s = script(channel.id);
    await storeEvents(services.sql, [s.create(ann.id, "gone", "secret"), s.edit(ann.id, "gone", "secret 2")]);
    await storeEvents(services.sql, [s.create(ann.id, "kept", "public words"), s.edit(ann.id, "kept", "still")]);
    await storeEvents(services.sql, [s.remove(ann.id, "gone")]);
    await storeEvents(services.sql, [s.edit(ann.id, "gone", "secret 3")]); // raced past the deletion
    const rows = await services.sql.query<{ seq: number; type: string; body: string | null }>(
      `SELECT seq, type, payload->'data'->>'body' AS body FROM "ChannelEvent" WHERE "channelId" = $1 ORDER BY seq`,
      [channel.id],
    );
    expect(rows.rows.map((r) => [r.seq, r.type, r.body])).toEqual([
      [1, "messageCreated", ""],
      [2, "messageEdited", ""],
      [3, "messageCreated", "still"],
      [4, "messageEdited", "still"],
      [5, "messageDeleted", null],
      [6, "messageEdited", ""],
    ]);
  });

  it("stores nothing twice when a batch is replayed or a send repeated, and orphans events of missing channels", async () => {
    const user = await createUser(services.db);
    const channel = await createChannel(services.db, [user.id]);
    const ids = new Map<string, string>();
    const s = script(channel.id, ids);
    const batch = [s.create(user.id, "a", "first"), s.react(user.id, "a", "👍"), s.create(user.id, "b", "second")];
    const first = await storeEvents(services.sql, batch);
    const before = await snapshot(channel.id, ids);

    const repeatedSend = { ...s.create(user.id, "b", "second, sent again"), eventId: randomUUID() };
    const elsewhere = script(randomUUID()).create(user.id, "x", "to nowhere");
    const later = s.create(user.id, "c", "third");
    const again = await storeEvents(services.sql, [...batch, repeatedSend, elsewhere, later]);

    expect(again.orphaned.map((e) => e.eventId)).toEqual([elsewhere.eventId]);
    expect(again.committed.map((e) => [e.eventId, e.seq])).toEqual([
      ...first.committed.map((e) => [e.eventId, e.seq]),
      [later.eventId, 4],
    ]);
    expect((await snapshot(channel.id, ids)).slice(0, 2)).toEqual(before);
    expect(await services.db.channelEvent.count({ where: { channelId: channel.id } })).toBe(4);
    expect((await services.db.channel.findUniqueOrThrow({ where: { id: channel.id } })).lastSeq).toBe(4);
  });
});
