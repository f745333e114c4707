// Moderation from the dashboard's side: a channel's and a person's recent messages, deletion with a reason
// (audited, without the text), a person's channels and sessions, signing one session out, and bulk actions
// that do what they can and say what they could not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, sessionIdOf } from "../../../src/accounts/sessions.js";
import {
  type Client,
  createChannelAs,
  type Harness,
  post,
  signIn,
  startHarness,
  until,
  watchControl,
} from "./support.js";

let h: Harness;
let owner: Client;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  h = await startHarness();
  owner = await signIn(h.services, "owner");
  alice = await signIn(h.services, "member", "Alice");
  bob = await signIn(h.services, "member", "Bob");
});

afterAll(async () => {
  await h?.stop();
});

describe("moderating messages", () => {
  it("lists a channel's recent messages newest first, in pages; a deletion with a reason removes it and is audited", async () => {
    const channel = await createChannelAs(alice, "public");
    const sent = [];
    for (const text of ["one", "two", "three"]) sent.push(await post(h.services, alice, channel.id, text));
    await until(async () => (await h.services.db.message.count({ where: { channelId: channel.id } })) === 3, "stored");

    const first = await owner.call("GET", `/api/admin/channels/${channel.id}/messages?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.messages.map((m: { body: string }) => m.body)).toEqual(["three", "two"]);
    expect(first.body.messages[0]).toMatchObject({
      author: { id: alice.user.id, displayName: "Alice" },
      channel: { id: channel.id, kind: "public" },
    });
    const second = await owner.call(
      "GET",
      `/api/admin/channels/${channel.id}/messages?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body).toMatchObject({ messages: [{ body: "one" }], nextCursor: null });

    const gone = sent[1] as { id: string };
    const res = await owner.call("DELETE", `/api/admin/channels/${channel.id}/messages/${gone.id}`, {
      reason: "harassment",
    });
    expect(res.status).toBe(202);
    await until(
      async () => (await h.services.db.message.findUnique({ where: { id: gone.id } }))?.deletedAt,
      "the deletion stored",
    );
    const after = await owner.call("GET", `/api/admin/channels/${channel.id}/messages`);
    expect(after.body.messages.map((m: { body: string }) => m.body)).toEqual(["three", "one"]);
    const entry = await h.services.db.auditLog.findFirst({
      where: { action: "channel.message_deleted", targetId: channel.id },
    });
    expect(entry).toMatchObject({
      actorId: owner.user.id,
      reason: "harassment",
      details: { messageId: gone.id, authorId: alice.user.id },
    });
    expect(JSON.stringify(entry?.details)).not.toContain("two"); // the text is not kept
  });

  it("lists a person's messages where the admin may moderate (not DMs, not private channels they are not in)", async () => {
    const a = await createChannelAs(bob, "public");
    const b = await createChannelAs(bob, "private");
    await post(h.services, bob, a.id, "in a");
    await post(h.services, bob, b.id, "in b");
    const dm = await bob.call("POST", "/api/dms", { userIds: [alice.user.id] });
    await post(h.services, bob, dm.body.channel.id, "private words");
    await until(async () => (await h.services.db.message.count({ where: { authorId: bob.user.id } })) === 3, "stored");

    const bodies = async () =>
      (await owner.call("GET", `/api/admin/users/${bob.user.id}/messages`)).body.messages.map(
        (m: { body: string }) => m.body,
      );
    expect(await bodies()).toEqual(["in a"]);
    const hidden = await owner.call("GET", `/api/admin/channels/${b.id}/messages`);
    expect([hidden.status, hidden.body.error.code]).toEqual([403, "not_member"]);
    expect((await bob.call("POST", `/api/channels/${b.id}/members`, { userIds: [owner.user.id] })).status).toBe(200);
    expect(await bodies()).toEqual(["in b", "in a"]);
    expect((await owner.call("GET", `/api/admin/channels/${dm.body.channel.id}/messages`)).status).toBe(404);
    const bad = await owner.call("GET", `/api/admin/users/${bob.user.id}/messages?cursor=nonsense`);
    expect([bad.status, bad.body.error.code]).toEqual([400, "invalid_cursor"]);
    const limit = await owner.call("GET", `/api/admin/users/${bob.user.id}/messages?limit=0`);
    expect(limit.status).toBe(400);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await owner.call("GET", `/api/admin/users/${unknown}/messages`)).status).toBe(404);
    expect((await owner.call("GET", `/api/admin/channels/${unknown}/messages`)).status).toBe(404);

    const channels = await owner.call("GET", `/api/admin/users/${bob.user.id}/channels`);
    expect(channels.body.conversations).toBe(1);
    expect(channels.body.channels.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
  });
});

describe("sessions and bulk actions", () => {
  it("lists a person's sessions and signs one out: its sockets are told, the other session stays; audited", async () => {
    const carol = await signIn(h.services, "member", "Carol");
    const laptop = await createSession(h.services.db, carol.user.id, 1, { userAgent: "Laptop", ip: "10.0.0.1" });
    const control = await watchControl(h.services, carol.user.id);
    const listed = await owner.call("GET", `/api/admin/users/${carol.user.id}/sessions`);
    expect(listed.body.sessions).toHaveLength(2);
    expect(listed.body.sessions).toContainEqual(
      expect.objectContaining({ id: laptop.session.id, userAgent: "Laptop", ip: "10.0.0.1" }),
    );

    const res = await owner.call("DELETE", `/api/admin/users/${carol.user.id}/sessions/${laptop.session.id}`, {
      reason: "lost laptop",
    });
    expect(res.status).toBe(204);
    await until(async () => control.length > 0, "the sockets told");
    expect(control[0]).toEqual({ type: "sessionsRevoked", reason: "signedOut", sessionIds: [laptop.session.id] });
    expect((await owner.call("GET", `/api/admin/users/${carol.user.id}/sessions`)).body.sessions).toHaveLength(1);
    expect(
      await h.services.db.auditLog.findFirst({ where: { action: "user.signed_out", targetId: carol.user.id } }),
    ).toMatchObject({ reason: "lost laptop", details: { sessions: 1 } });

    const again = await owner.call("DELETE", `/api/admin/users/${carol.user.id}/sessions/${laptop.session.id}`);
    expect(again.status).toBe(404);
    const malformed = await owner.call("DELETE", `/api/admin/users/${carol.user.id}/sessions/not-a-session`);
    expect(malformed.status).toBe(400);
    // Someone else's session through this user's page: not found, and it stays.
    const { token } = await createSession(h.services.db, alice.user.id, 1);
    const foreign = await owner.call("DELETE", `/api/admin/users/${carol.user.id}/sessions/${sessionIdOf(token)}`);
    expect(foreign.status).toBe(404);
    expect(await h.services.db.session.count({ where: { id: sessionIdOf(token) } })).toBe(1);
  });

  it("deactivates several users, refusing only the one it may not (yourself), and says which", async () => {
    const x = await signIn(h.services, "member");
    const y = await signIn(h.services, "member");
    const res = await owner.call("POST", "/api/admin/users/bulk", {
      userIds: [x.user.id, owner.user.id, y.user.id],
      action: "deactivate",
      reason: "left the company",
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { id: x.user.id, ok: true },
      { id: owner.user.id, ok: false, error: { code: "forbidden", message: "You cannot deactivate yourself." } },
      { id: y.user.id, ok: true },
    ]);
    const states = await h.services.db.user.findMany({ where: { id: { in: [x.user.id, y.user.id, owner.user.id] } } });
    expect(Object.fromEntries(states.map((u) => [u.id, u.state]))).toEqual({
      [x.user.id]: "deactivated",
      [y.user.id]: "deactivated",
      [owner.user.id]: "active",
    });
    expect((await owner.call("POST", "/api/admin/users/bulk", { userIds: [], action: "deactivate" })).status).toBe(400);
    expect((await owner.call("POST", "/api/admin/users/bulk", { userIds: [x.user.id], action: "ban" })).status).toBe(
      400,
    );
  });
});
