// For every kind of channel event: a history page with the event applied (web/src/store) equals a fresh
// history fetch. Real API process, persister, PostgreSQL, Redis and Kafka.
import { randomUUID } from "node:crypto";
import type { ChannelEvent, MessageView } from "api/client";
import {
  type ApiProcess,
  createChannel,
  createTestStack,
  createUser,
  sessionToken,
  startApi,
  TestSocket,
  type TestStack,
  waitFor,
} from "api/test-support";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyEvent, type ChannelMessages, fromHistory } from "../src/store/channel-messages";

let stack: TestStack;
let api: ApiProcess;

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  api = await startApi(stack.env);
}, 200_000);

afterAll(async () => {
  await api?.stop();
  await stack?.cleanup();
});

async function history(token: string, channelId: string) {
  const res = await fetch(`${api.url}/api/channels/${channelId}/messages?limit=100`, {
    headers: { cookie: `parley_session=${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { messages: MessageView[]; lastSeq: number };
}

/** Pins or unpins over HTTP as the viewer; the change reaches the log as messagePinned / messageUnpinned. */
async function pin(token: string, channelId: string, messageId: string, method: "POST" | "DELETE") {
  const url = `${api.url}/api/channels/${channelId}/pins${method === "DELETE" ? `/${messageId}` : ""}`;
  const res = await fetch(url, {
    method,
    headers: { cookie: `parley_session=${token}`, origin: api.url, "content-type": "application/json" },
    ...(method === "POST" ? { body: JSON.stringify({ messageId }) } : {}),
  });
  expect(res.status).toBe(204);
}

const view = (state: ChannelMessages) => [...state.messages.values()].sort((a, b) => a.seq - b.seq);

it("applying each event kind to an older page equals a fresh fetch", async () => {
  const services = await stack.open();
  const [viewer, other] = await Promise.all([createUser(services.db), createUser(services.db)]);
  const channel = await createChannel(services.db, [viewer.id, other.id]);
  const viewerToken = await sessionToken(services.db, viewer.id);
  const me = await TestSocket.connect(api.url, viewerToken);
  const them = await TestSocket.connect(api.url, await sessionToken(services.db, other.id));
  await Promise.all([me.ok("resume", { positions: {} }), them.ok("resume", { positions: {} })]);

  const sent: string[] = [];
  const send = async (socket: TestSocket, body: string, parentId?: string) => {
    const r = await socket.ok("sendMessage", {
      channelId: channel.id,
      clientId: randomUUID(),
      body,
      ...(parentId ? { parentId } : {}),
    });
    sent.push(r.messageId);
    return r.messageId;
  };
  const first = await send(them, "first");
  const second = await send(me, "second <b>bold</b>");
  // A message can be reacted to once it is stored (its event has arrived), as in the client.
  await waitFor(() => me.events(channel.id).length === 2, "the first two messages");
  await them.ok("toggleReaction", { messageId: first, emoji: "🎉" });
  await waitFor(() => me.events(channel.id).length === 3, "the starting events");

  // A file of theirs, sent below; then an admin deletes it (attachmentRemoved).
  const admin = await createUser(services.db, { role: "admin" });
  const adminCookie = `parley_session=${await sessionToken(services.db, admin.id)}`;
  const uploaded = await fetch(`${api.url}/api/files?channelId=${channel.id}&name=plan.txt`, {
    method: "POST",
    headers: { cookie: `parley_session=${viewerToken}`, origin: api.url, "content-type": "application/octet-stream" },
    body: "the plan",
  });
  expect(uploaded.status).toBe(201);
  const fileId = ((await uploaded.json()) as { file: { id: string } }).file.id;
  let withFile = "";

  const steps: [string, () => Promise<unknown>][] = [
    ["messageCreated", () => send(them, "third")],
    ["messageCreated (reply)", () => send(me, "a reply", first)],
    ["messageEdited", () => me.ok("editMessage", { messageId: second, body: "second, edited" })],
    ["reactionAdded (viewer)", () => me.ok("toggleReaction", { messageId: first, emoji: "🎉" })],
    ["reactionAdded (other)", () => them.ok("toggleReaction", { messageId: second, emoji: "👍" })],
    ["reactionRemoved (other)", () => them.ok("toggleReaction", { messageId: first, emoji: "🎉" })],
    ["reactionRemoved (viewer)", () => me.ok("toggleReaction", { messageId: first, emoji: "🎉" })],
    ["messagePinned", () => pin(viewerToken, channel.id, first, "POST")],
    ["messageUnpinned", () => pin(viewerToken, channel.id, first, "DELETE")],
    [
      "messageCreated (with a file)",
      async () => {
        const r = await me.ok("sendMessage", {
          channelId: channel.id,
          clientId: randomUUID(),
          body: "",
          attachments: [fileId],
        });
        withFile = r.messageId;
      },
    ],
    [
      "attachmentRemoved",
      async () => {
        const res = await fetch(`${api.url}/api/admin/files/${fileId}`, {
          method: "DELETE",
          headers: { cookie: adminCookie, origin: api.url },
        });
        expect(res.status).toBe(204);
      },
    ],
    ["messageDeleted", () => me.ok("deleteMessage", { messageId: second })],
  ];
  for (const [kind, act] of steps) {
    const before = fromHistory(viewer.id, await history(viewerToken, channel.id));
    const seen = me.events(channel.id).length;
    await act();
    await waitFor(() => me.events(channel.id).length === seen + 1, `the ${kind} event`);
    const event = me.events(channel.id).at(-1) as ChannelEvent;
    const applied = applyEvent(before, event);
    const fresh = await history(viewerToken, channel.id);
    expect({ kind, messages: view(applied) }).toEqual({ kind, messages: fresh.messages });
    expect(applied.lastSeq).toBe(fresh.lastSeq);
  }
  expect(withFile).not.toBe("");
  me.close();
  them.close();
}, 120_000);
