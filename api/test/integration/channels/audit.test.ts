// Every channel action writes a channel.* audit record, as admin user actions write user.*: who did what to
// which channel, with the details; the API serves the list of action names the dashboard filters by.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "../../../src/audit/record.js";
import { type Client, createChannelAs, type Harness, post, signIn, startHarness } from "./support.js";

let h: Harness;
let owner: Client;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  h = await startHarness();
  owner = await signIn(h.services, "owner");
  alice = await signIn(h.services, "member");
  bob = await signIn(h.services, "member");
});

afterAll(async () => {
  await h?.stop();
});

async function auditOf(channelId: string) {
  const rows = await h.services.db.auditLog.findMany({ where: { targetId: channelId }, orderBy: { id: "asc" } });
  return rows.map((r) => ({ action: r.action, actorId: r.actorId, targetType: r.targetType, details: r.details }));
}

describe("channel audit", () => {
  it("records create, rename, topic, archive, unarchive, members added and removed, and a moderator's deletion", async () => {
    const channel = await createChannelAs(alice, "public");
    const name = `audited-${channel.id.slice(0, 6)}`;
    expect((await alice.call("PATCH", `/api/channels/${channel.id}`, { name })).status).toBe(200);
    expect((await alice.call("PATCH", `/api/channels/${channel.id}`, { topic: "plans" })).status).toBe(200);
    expect((await alice.call("POST", `/api/channels/${channel.id}/archive`)).status).toBe(200);
    expect((await alice.call("POST", `/api/channels/${channel.id}/unarchive`)).status).toBe(200);
    expect((await alice.call("POST", `/api/channels/${channel.id}/members`, { userIds: [bob.user.id] })).status).toBe(
      200,
    );
    expect((await owner.call("DELETE", `/api/admin/channels/${channel.id}/members/${bob.user.id}`)).status).toBe(204);
    const message = await post(h.services, alice, channel.id, "against the rules");
    expect((await owner.call("DELETE", `/api/admin/channels/${channel.id}/messages/${message.id}`)).status).toBe(202);
    // Joining and leaving by oneself are in the channel's log, not the audit log.
    expect((await bob.call("POST", `/api/channels/${channel.id}/join`)).status).toBe(200);
    expect((await bob.call("POST", `/api/channels/${channel.id}/leave`)).status).toBe(204);

    const a = alice.user.id;
    expect(await auditOf(channel.id)).toEqual([
      { action: "channel.created", actorId: a, targetType: "channel", details: { kind: "public", name: channel.name } },
      {
        action: "channel.renamed",
        actorId: a,
        targetType: "channel",
        details: { before: { name: channel.name }, after: { name } },
      },
      {
        action: "channel.topic_changed",
        actorId: a,
        targetType: "channel",
        details: { before: { topic: "" }, after: { topic: "plans" } },
      },
      { action: "channel.archived", actorId: a, targetType: "channel", details: null },
      { action: "channel.unarchived", actorId: a, targetType: "channel", details: null },
      { action: "channel.members_added", actorId: a, targetType: "channel", details: { userIds: [bob.user.id] } },
      {
        action: "channel.member_removed",
        actorId: owner.user.id,
        targetType: "channel",
        details: { userId: bob.user.id },
      },
      {
        action: "channel.message_deleted",
        actorId: owner.user.id,
        targetType: "channel",
        details: { messageId: message.id, authorId: a },
      },
    ]);
    const filtered = await owner.call("GET", `/api/admin/audit?action=channel.renamed&targetId=${channel.id}`);
    expect(filtered.body.entries.map((e: { action: string }) => e.action)).toEqual(["channel.renamed"]);
  });

  it("serves every audit action name to admins, and to no one else", async () => {
    const res = await owner.call("GET", "/api/admin/audit/actions");
    expect(res.status).toBe(200);
    expect(res.body.actions).toEqual([...AUDIT_ACTIONS]);
    expect(res.body.actions).toEqual(expect.arrayContaining(["channel.created", "channel.member_removed"]));
    expect((await alice.call("GET", "/api/admin/audit/actions")).status).toBe(403);
  });
});
