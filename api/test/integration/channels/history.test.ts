// History over HTTP: seq pagination both ways, threads, reactions, deletions, and the raw event log.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteMessage, editMessage, toggleReaction } from "../../../src/messages/actions.js";
import { emitChannelEvents } from "../../../src/realtime/emit.js";
import { type Client, createChannelAs, type Harness, post, signIn, startHarness, until } from "./support.js";

let h: Harness;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  h = await startHarness();
  alice = await signIn(h.services, "member");
  bob = await signIn(h.services, "member");
});

afterAll(async () => {
  await h?.stop();
});

type Msg = { seq: number; body: string; id: string };

/** A channel with `n` top-level messages and a reply after every tenth one, produced straight to the log. */
async function busyChannel(n: number) {
  const channel = await createChannelAs(alice, "public");
  await bob.call("POST", `/api/channels/${channel.id}/join`);
  const bodies: string[] = [];
  let lastTop = "";
  for (let i = 0; i < n; i++) {
    const messageId = randomUUID();
    const drafts: Parameters<typeof emitChannelEvents>[1] = [
      {
        type: "messageCreated",
        channelId: channel.id,
        actorId: i % 2 ? bob.user.id : alice.user.id,
        data: { messageId, clientId: randomUUID(), body: `m${i}`, parentId: null },
      },
    ];
    bodies.push(`m${i}`);
    if (i % 10 === 9)
      drafts.push({
        type: "messageCreated",
        channelId: channel.id,
        actorId: alice.user.id,
        data: { messageId: randomUUID(), clientId: randomUUID(), body: `reply to m${i}`, parentId: messageId },
      });
    await emitChannelEvents(h.services.log, drafts);
    lastTop = messageId;
  }
  await until(() => h.services.db.message.findUnique({ where: { id: lastTop } }), "the last message");
  return { channelId: channel.id, bodies };
}

describe("channel history", () => {
  it("pages backwards from the newest: every top-level message exactly once, in seq order", async () => {
    const { channelId, bodies } = await busyChannel(53);
    const seen: Msg[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const res = await bob.call(
        "GET",
        `/api/channels/${channelId}/messages?limit=10${before ? `&before=${before}` : ""}`,
      );
      expect(res.status).toBe(200);
      const page: Msg[] = res.body.messages;
      expect(page.map((m) => m.seq)).toEqual([...page.map((m) => m.seq)].sort((a, b) => a - b));
      seen.unshift(...page);
      pages++;
      if (!res.body.hasMore) break;
      before = page[0]?.seq;
    }
    expect(pages).toBe(6);
    expect(seen.map((m) => m.body)).toEqual(bodies);
    const seqs = seen.map((m) => m.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it("pages forwards with after=, and reports the channel's lastSeq", async () => {
    const { channelId, bodies } = await busyChannel(25);
    const seen: Msg[] = [];
    let after = 0;
    for (;;) {
      const res = await alice.call("GET", `/api/channels/${channelId}/messages?after=${after}&limit=7`);
      seen.push(...res.body.messages);
      const last = res.body.messages.at(-1);
      if (!res.body.hasMore) {
        const channel = await h.services.db.channel.findUniqueOrThrow({ where: { id: channelId } });
        expect(res.body.lastSeq).toBe(channel.lastSeq);
        break;
      }
      after = last.seq;
    }
    expect(seen.map((m) => m.body)).toEqual(bodies);
  });

  it("shows replies only in their thread, in seq order; a reply's id opens the same thread", async () => {
    const channel = await createChannelAs(alice, "public");
    const root = await post(h.services, alice, channel.id, "root");
    await bob.call("POST", `/api/channels/${channel.id}/join`);
    const r1 = await post(h.services, bob, channel.id, "first reply", root.id);
    await post(h.services, alice, channel.id, "between");
    await post(h.services, alice, channel.id, "second reply", root.id);

    const history = await bob.call("GET", `/api/channels/${channel.id}/messages`);
    expect(history.body.messages.map((m: Msg) => m.body)).toEqual(["root", "between"]);
    expect(history.body.messages[0].replyCount).toBe(2);
    // Who replied, newest first, each once; and when the last reply came.
    const replies = (await bob.call("GET", `/api/messages/${root.id}/thread`)).body.replies as Msg[];
    expect(history.body.messages[0].replierIds).toEqual([alice.user.id, bob.user.id]);
    expect(history.body.messages[0].lastReplyAt).toBe((replies.at(-1) as Msg & { createdAt: string }).createdAt);
    expect(history.body.messages[1]).toMatchObject({ replierIds: [], lastReplyAt: null });

    const thread = await bob.call("GET", `/api/messages/${root.id}/thread`);
    expect(thread.status).toBe(200);
    expect(thread.body.parent).toMatchObject({ id: root.id, body: "root", replyCount: 2, parentId: null });
    expect(thread.body.replies.map((m: Msg & { parentId: string }) => [m.body, m.parentId])).toEqual([
      ["first reply", root.id],
      ["second reply", root.id],
    ]);
    // The threads each takes part in: Alice started it, Bob replied; a third member who did neither has none.
    const mine = await alice.call("GET", "/api/threads");
    expect(mine.status).toBe(200);
    const listed = mine.body.threads.find((t: { root: Msg }) => t.root.id === root.id);
    const last = replies.at(-1) as Msg;
    expect(listed).toMatchObject({
      lastReplySeq: last.seq,
      lastReplyAuthorId: alice.user.id,
      myLastReplySeq: last.seq,
    });
    const bobs = (await bob.call("GET", "/api/threads")).body.threads;
    expect(bobs.find((t: { root: Msg }) => t.root.id === root.id)).toMatchObject({ myLastReplySeq: r1.seq });
    const carol = await signIn(h.services, "member");
    await carol.call("POST", `/api/channels/${channel.id}/join`);
    expect((await carol.call("GET", "/api/threads")).body.threads).toEqual([]);
    expect((await carol.call("GET", "/api/threads?limit=0")).status).toBe(400);
    const viaReply = await bob.call("GET", `/api/messages/${r1.id}/thread`);
    expect(viaReply.body).toEqual(thread.body);
    const page = await bob.call("GET", `/api/messages/${root.id}/thread?after=${r1.seq}`);
    expect(page.body.replies.map((m: Msg) => m.body)).toEqual(["second reply"]);
  });

  it("aggregates reactions per emoji with whether I reacted; edits and deletions show", async () => {
    const channel = await createChannelAs(alice, "public");
    await bob.call("POST", `/api/channels/${channel.id}/join`);
    const liked = await post(h.services, alice, channel.id, "react to me");
    const edited = await post(h.services, alice, channel.id, "typo");
    const gone = await post(h.services, alice, channel.id, "regret");
    await toggleReaction(h.services, alice.user, liked.id, "👍");
    await toggleReaction(h.services, bob.user, liked.id, "👍");
    await toggleReaction(h.services, bob.user, liked.id, ":tada:");
    await toggleReaction(h.services, bob.user, gone.id, "👍");
    await editMessage(h.services, alice.user, edited.id, "fixed");
    await deleteMessage(h.services, alice.user, gone.id);
    await until(() => h.services.db.message.findFirst({ where: { id: gone.id, deletedAt: { not: null } } }), "delete");
    await until(
      async () => (await h.services.db.reaction.count({ where: { messageId: liked.id } })) === 3,
      "reactions",
    );

    const asAlice = (await alice.call("GET", `/api/channels/${channel.id}/messages`)).body.messages;
    const asBob = (await bob.call("GET", `/api/channels/${channel.id}/messages`)).body.messages;
    const both = expect.arrayContaining([alice.user.id, bob.user.id]);
    expect(asAlice[0].reactions).toEqual([
      { emoji: "👍", count: 2, me: true, userIds: both },
      { emoji: ":tada:", count: 1, me: false, userIds: [bob.user.id] },
    ]);
    expect(asBob[0].reactions).toEqual([
      { emoji: "👍", count: 2, me: true, userIds: both },
      { emoji: ":tada:", count: 1, me: true, userIds: [bob.user.id] },
    ]);
    expect(asBob[1]).toMatchObject({ body: "fixed", editedAt: expect.any(String), deletedAt: null });
    expect(asBob[2]).toMatchObject({ body: "", deletedAt: expect.any(String), reactions: [] });
  });
});

describe("the raw event log", () => {
  it("returns the stored events after a seq, in order, exactly as produced", async () => {
    const channel = await createChannelAs(alice, "public");
    const first = await post(h.services, alice, channel.id, "one");
    await post(h.services, alice, channel.id, "two");
    await editMessage(h.services, alice.user, first.id, "one, edited");
    await until(() => h.services.db.message.findFirst({ where: { id: first.id, editedAt: { not: null } } }), "edit");

    const all = await alice.call("GET", `/api/channels/${channel.id}/events`);
    expect(all.body.events.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
      [1, "memberJoined"],
      [2, "messageCreated"],
      [3, "messageCreated"],
      [4, "messageEdited"],
    ]);
    const stored = await h.services.db.channelEvent.findUniqueOrThrow({
      where: { channelId_seq: { channelId: channel.id, seq: 4 } },
    });
    expect(all.body.events[3]).toEqual({ ...(stored.payload as object), seq: 4 });
    // An edited message's replaced text is not readable here (issue #11): its creation shows the current one.
    expect(all.body.events[1].data.body).toBe("one, edited");
    expect(JSON.stringify(all.body.events)).not.toContain('"one"');
    const page = await alice.call("GET", `/api/channels/${channel.id}/events?after=1&limit=2`);
    expect(page.body.events.map((e: { seq: number }) => e.seq)).toEqual([2, 3]);
    expect(page.body.hasMore).toBe(true);
    expect(page.body.lastSeq).toBe(4);
  });
});
