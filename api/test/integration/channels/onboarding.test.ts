// Getting in: what a one-time link is before it is used (and why it no longer works), default channels
// that new accounts join when they first get in, and signing out everywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../../src/accounts/sessions.js";
import { type Client, createChannelAs, type Harness, signIn, startHarness, storedEvents, until } from "./support.js";

let h: Harness;
let owner: Client;
let alice: Client;
const PASSWORD = "a long enough password";
const tokenOf = (link: string) => new URL(link).hash.replace("#token=", "");

beforeAll(async () => {
  h = await startHarness();
  owner = await signIn(h.services, "owner");
  alice = await signIn(h.services, "member");
});

afterAll(async () => {
  await h?.stop();
});

/** A public channel made a default channel by the owner. */
async function defaultChannel() {
  const channel = await createChannelAs(owner, "public");
  expect((await owner.call("PUT", `/api/admin/channels/${channel.id}/default`, { isDefault: true })).status).toBe(204);
  return channel;
}

const myChannelIds = async (userId: string) =>
  (await h.services.db.channelMember.findMany({ where: { userId } })).map((m) => m.channelId);

describe("link status", () => {
  it("describes a valid invite and says why a used-up, revoked or unknown one does not work", async () => {
    const made = await owner.call("POST", "/api/admin/invites", { role: "guest", maxUses: 1 });
    const token = tokenOf(made.body.link);
    const status = await owner.call("POST", "/api/auth/link-status", { kind: "invite", token });
    expect(status.body).toMatchObject({
      kind: "invite",
      status: "valid",
      role: "guest",
      workspace: expect.any(String),
    });
    const body = { token, email: "once@parley.test", displayName: "Once", password: PASSWORD };
    expect((await owner.call("POST", "/api/auth/accept-invite", body)).status).toBe(201);
    expect((await owner.call("POST", "/api/auth/link-status", { kind: "invite", token })).body).toEqual({
      kind: "invite",
      status: "used_up",
    });
    const again = await owner.call("POST", "/api/auth/accept-invite", { ...body, email: "twice@parley.test" });
    expect(again.body.error).toMatchObject({ code: "invalid_link", details: { reason: "used_up" } });

    const other = await owner.call("POST", "/api/admin/invites", {});
    await owner.call("POST", `/api/admin/invites/${other.body.invite.id}/revoke`, {});
    const revoked = { kind: "invite", token: tokenOf(other.body.link) };
    expect((await owner.call("POST", "/api/auth/link-status", revoked)).body.status).toBe("revoked");
    const unknown = { kind: "invite", token: "x".repeat(32) };
    expect((await owner.call("POST", "/api/auth/link-status", unknown)).body).toEqual({
      kind: "invite",
      status: "invalid",
    });
  });

  it("names whose password a set-password link sets, then says it was used; a reset link says reset", async () => {
    const made = await owner.call("POST", "/api/admin/users", { email: "setme@parley.test", displayName: "Set Me" });
    const token = tokenOf(made.body.setPassword.link);
    expect((await owner.call("POST", "/api/auth/link-status", { kind: "password", token })).body).toMatchObject({
      kind: "password",
      status: "valid",
      purpose: "setup",
      email: "setme@parley.test",
      displayName: "Set Me",
    });
    expect((await owner.call("POST", "/api/auth/set-password", { token, password: PASSWORD })).status).toBe(200);
    expect((await owner.call("POST", "/api/auth/link-status", { kind: "password", token })).body.status).toBe("used");
    const reused = await owner.call("POST", "/api/auth/set-password", { token, password: PASSWORD });
    expect(reused.body.error).toMatchObject({ code: "invalid_link", details: { reason: "used" } });

    const reset = await owner.call("POST", `/api/admin/users/${made.body.user.id}/reset-link`, {});
    const resetStatus = await owner.call("POST", "/api/auth/link-status", {
      kind: "password",
      token: tokenOf(reset.body.link),
    });
    expect(resetStatus.body).toMatchObject({ status: "valid", purpose: "reset" });
    await h.services.db.passwordToken.updateMany({
      where: { userId: made.body.user.id, usedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = { kind: "password", token: tokenOf(reset.body.link) };
    expect((await owner.call("POST", "/api/auth/link-status", expired)).body.status).toBe("expired");
  });

  it("refuses a malformed request with the one error shape", async () => {
    const bad = await owner.call("POST", "/api/auth/link-status", { kind: "coupon", token: "short" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_request");
  });
});

describe("default channels", () => {
  it("an accepted invite joins every default channel, and each channel's log records the join", async () => {
    const channel = await defaultChannel();
    const made = await owner.call("POST", "/api/admin/invites", {});
    const accepted = await owner.call("POST", "/api/auth/accept-invite", {
      token: tokenOf(made.body.link),
      email: "newbie@parley.test",
      displayName: "Newbie",
      password: PASSWORD,
    });
    expect(accepted.status).toBe(201);
    const userId = accepted.body.user.id;
    expect(await myChannelIds(userId)).toContain(channel.id);
    const events = await storedEvents(h.services, channel.id, 2);
    expect(events.map((e) => [e.type, e.type === "memberJoined" ? e.data.userId : null])).toContainEqual([
      "memberJoined",
      userId,
    ]);
  });

  it("a new account's first password joins them; a reset link does not put anyone back", async () => {
    const channel = await defaultChannel();
    const made = await owner.call("POST", "/api/admin/users", { email: "later@parley.test", displayName: "Later" });
    const userId = made.body.user.id;
    expect(await myChannelIds(userId)).not.toContain(channel.id); // not before they get in
    await owner.call("POST", "/api/auth/set-password", {
      token: tokenOf(made.body.setPassword.link),
      password: PASSWORD,
    });
    await until(async () => (await myChannelIds(userId)).includes(channel.id), "the default join");

    await h.services.db.channelMember.deleteMany({ where: { userId, channelId: channel.id } });
    const reset = await owner.call("POST", `/api/admin/users/${userId}/reset-link`, {});
    await owner.call("POST", "/api/auth/set-password", { token: tokenOf(reset.body.link), password: PASSWORD });
    expect(await myChannelIds(userId)).not.toContain(channel.id);
  });

  it("skip archived channels; only admins set them, only public ones, and each change is audited", async () => {
    const archived = await defaultChannel();
    await owner.call("POST", `/api/admin/channels/${archived.id}/archive`);
    const made = await owner.call("POST", "/api/admin/invites", {});
    const accepted = await owner.call("POST", "/api/auth/accept-invite", {
      token: tokenOf(made.body.link),
      email: "archive-skip@parley.test",
      displayName: "Skip",
      password: PASSWORD,
    });
    expect(await myChannelIds(accepted.body.user.id)).not.toContain(archived.id);

    const secret = await createChannelAs(owner, "private");
    const refused = await owner.call("PUT", `/api/admin/channels/${secret.id}/default`, { isDefault: true });
    expect([refused.status, refused.body.error.code]).toEqual([409, "not_public"]);
    const open = await createChannelAs(alice, "public");
    const byMember = await alice.call("PUT", `/api/admin/channels/${open.id}/default`, { isDefault: true });
    expect(byMember.status).toBe(403);
    expect((await h.services.db.channel.findUniqueOrThrow({ where: { id: open.id } })).isDefault).toBe(false);

    await owner.call("PUT", `/api/admin/channels/${open.id}/default`, { isDefault: true });
    await owner.call("PUT", `/api/admin/channels/${open.id}/default`, { isDefault: true }); // no change, no entry
    const listed = await owner.call("GET", `/api/admin/channels?q=${open.name}`);
    expect(listed.body.channels[0]).toMatchObject({ id: open.id, isDefault: true });
    const entries = await h.services.db.auditLog.findMany({
      where: { action: "channel.default_changed", targetId: open.id },
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: owner.user.id, targetType: "channel" });
  });
});

describe("channel members for the dashboard", () => {
  it("lists a private channel's members by name to a workspace admin who is not in it, not to members", async () => {
    const secret = await createChannelAs(alice, "private");
    const page = await owner.call("GET", `/api/admin/channels/${secret.id}/members`);
    expect(page.status).toBe(200);
    expect(page.body.members).toEqual([
      expect.objectContaining({ id: alice.user.id, displayName: alice.user.displayName, role: "admin" }),
    ]);
    expect((await alice.call("GET", `/api/admin/channels/${secret.id}/members`)).status).toBe(403);
  });
});

describe("sign out everywhere", () => {
  it("deletes every session of mine, this one too", async () => {
    const me = await signIn(h.services, "member");
    await createSession(h.services.db, me.user.id, 1);
    expect(await h.services.db.session.count({ where: { userId: me.user.id } })).toBe(2);
    const res = await me.call("POST", "/api/me/sessions/revoke-all");
    expect(res.status).toBe(204);
    expect(await h.services.db.session.count({ where: { userId: me.user.id } })).toBe(0);
    expect((await me.call("GET", "/api/me")).status).toBe(401);
  });
});
