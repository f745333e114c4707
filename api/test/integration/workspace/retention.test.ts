// Message retention against the real stack (PostgreSQL, Redis, Kafka, the persister in-process): with the
// retention at 1 day, messages seeded 2 days old are gone after a run — from history, the stored events a
// client replays, search, their reactions and files — newer ones stay, a thread whose reply went counts
// one reply less, and the audit log records the purge with its counts. Members cannot run it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toggleReaction } from "../../../src/messages/actions.js";
import { type Client, createChannelAs, type Harness, post, signIn, startHarness, until } from "../channels/support.js";

let h: Harness;
let owner: Client;
let alice: Client;

beforeAll(async () => {
  h = await startHarness();
  // The workspace row a real start bootstraps; this test's database starts without one.
  await h.services.db.workspace.create({ data: { name: "Parley" } });
  owner = await signIn(h.services, "owner", "Owner");
  alice = await signIn(h.services, "member", "Alice");
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const TWO_DAYS_AGO = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);

/** What a seeded history looks like after two days: the rows and their events dated back. */
async function age(ids: string[]) {
  const db = h.services.db;
  await db.message.updateMany({ where: { id: { in: ids } }, data: { createdAt: TWO_DAYS_AGO } });
  await db.$executeRaw`UPDATE "ChannelEvent" SET "createdAt" = ${TWO_DAYS_AGO}
    WHERE payload->'data'->>'messageId' = ANY(${ids}::text[])`;
}

describe("retention", () => {
  it("deletes what is older than the retention everywhere a reader could see it, and audits the counts", async () => {
    const channel = await createChannelAs(alice, "public");
    const oldRoot = await post(h.services, alice, channel.id, "ancient apple pie");
    const oldReply = await post(h.services, alice, channel.id, "ancient apple crumble", oldRoot.id);
    const keptRoot = await post(h.services, alice, channel.id, "recent apple tart");
    const oldReplyToKept = await post(h.services, alice, channel.id, "ancient apple reply", keptRoot.id);
    const fresh = await post(h.services, alice, channel.id, "fresh apple juice");
    await toggleReaction(h.services, alice.user, oldRoot.id, "👍");
    await until(() => h.services.db.reaction.findFirst({ where: { messageId: oldRoot.id } }), "reaction");
    const file = await h.services.db.file.create({
      data: {
        id: randomUUID(),
        storageKey: randomUUID(),
        channelId: channel.id,
        uploaderId: alice.user.id,
        messageId: oldRoot.id,
        name: "pie.txt",
        size: 3,
        mime: "text/plain",
        kind: "file",
        sha256: "0".repeat(64),
      },
    });
    const old = [oldRoot.id, oldReply.id, oldReplyToKept.id];
    await age(old);
    expect((await h.services.db.message.findUniqueOrThrow({ where: { id: keptRoot.id } })).replyCount).toBe(1);

    // Off: nothing to run.
    expect((await owner.call("POST", "/api/admin/settings/retention/run")).body.error.code).toBe("retention_off");
    expect((await owner.call("PATCH", "/api/admin/settings", { retentionDays: 1 })).body.retentionDays).toBe(1);
    const preview = await owner.call("GET", "/api/admin/settings/retention");
    expect(preview.body).toMatchObject({ retentionDays: 1, expiredMessages: 3 });

    // A member may neither look nor run it.
    expect((await alice.call("GET", "/api/admin/settings/retention")).status).toBe(403);
    expect((await alice.call("POST", "/api/admin/settings/retention/run")).status).toBe(403);
    expect(await h.services.db.message.count({ where: { id: { in: old } } })).toBe(3);

    const run = await owner.call("POST", "/api/admin/settings/retention/run");
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ retentionDays: 1, messages: 3, files: 1 });

    // History: only the newer messages; the kept thread counts the reply it still has (none).
    const history = await alice.call("GET", `/api/channels/${channel.id}/messages?limit=50`);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual([
      "recent apple tart",
      "fresh apple juice",
    ]);
    expect(history.body.messages[0].replyCount).toBe(0);
    // The events a reconnecting client replays carry nothing of the purged messages.
    const events = await alice.call("GET", `/api/channels/${channel.id}/events?after=0&limit=500`);
    expect(events.status).toBe(200);
    const texts = JSON.stringify(events.body.events);
    expect(texts).not.toContain("ancient");
    for (const id of old) expect(texts).not.toContain(id);
    expect(texts).toContain(fresh.id);
    // Search agrees with history.
    const search = await alice.call("GET", "/api/search?q=apple");
    expect(search.body.hits.map((hit: { messageId?: string; id?: string }) => hit.messageId ?? hit.id).sort()).toEqual(
      [keptRoot.id, fresh.id].sort(),
    );
    // Reactions went with their message; the file is marked for the reaper.
    expect(await h.services.db.reaction.count({ where: { messageId: oldRoot.id } })).toBe(0);
    expect((await h.services.db.file.findUniqueOrThrow({ where: { id: file.id } })).deletedAt).not.toBeNull();

    const audit = await owner.call("GET", "/api/admin/audit?action=retention.purged");
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0]).toMatchObject({
      actorId: owner.user.id,
      targetType: "workspace",
      details: { messages: 3, files: 1, retentionDays: 1 },
    });

    // Nothing older is left: a second run deletes nothing (and, run by an admin, is still recorded).
    const again = await owner.call("POST", "/api/admin/settings/retention/run");
    expect(again.body.messages).toBe(0);
    expect((await owner.call("GET", "/api/admin/settings/retention")).body.expiredMessages).toBe(0);

    // While a run holds the cluster's lock (another node's, say), an admin's run is not started twice.
    await h.services.kv.setIfAbsent("retention:running", "another-node", 60_000);
    const busy = await owner.call("POST", "/api/admin/settings/retention/run");
    expect(busy).toEqual({ status: 202, body: { status: "already_running" } });
    await h.services.kv.del("retention:running");
  });
});
