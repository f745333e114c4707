// The admin user API against real PostgreSQL and Redis: search, create, edit, roles (owners and the last
// owner), deactivation, bans and forced sign-out taking effect at once, and their audit entries.
import { describe, expect, it } from "vitest";
import { controlMessages } from "../support/control-messages.js";
import { createUser } from "../support/fixtures.js";
import { signedIn } from "../support/http.js";
import { inProcessApp } from "../support/in-process-app.js";
import { waitFor } from "../support/socket-client.js";

let adminToken: string;
let ownerToken: string;
let ownerId: string;

const app = inProcessApp(async ({ services }) => {
  adminToken = (await signedIn(services.db, "admin")).token;
  const owner = await signedIn(services.db, "owner");
  ownerToken = owner.token;
  ownerId = owner.user.id;
});

const PASSWORD = "correct horse battery";
const named = (name: string, role: "member" | "guest" | "admin" = "member") =>
  createUser(app.services.db, { name, role });
const ids = (res: { body: { users: { id: string }[] } }) => res.body.users.map((u) => u.id);

describe("user search", () => {
  it("matches an email or display-name prefix in any case, with %, _ and \\ taken literally", async () => {
    const percent = await named("100%_Real");
    const plain = await named("100xyReal");
    const slash = await named("back\\slash");
    const email = await app.services.db.user.update({
      where: { id: plain.id },
      data: { email: "qzx.prefix@parley.test" },
    });

    const q = (term: string) =>
      app.call("GET", `/api/admin/users?q=${encodeURIComponent(term)}`, { token: adminToken });
    expect(ids(await q("100%_"))).toEqual([percent.id]);
    expect(ids(await q("100"))).toHaveLength(2);
    expect(ids(await q("BACK\\S"))).toEqual([slash.id]);
    expect(ids(await q("QZX.PRE"))).toEqual([email.id]);
    expect(ids(await q("real"))).toEqual([]);
  });

  it("filters by role and effective state (an expired ban counts as active)", async () => {
    const guest = await named("Filter Guest", "guest");
    const banned = await named("Filter Banned");
    const expired = await named("Filter Expired");
    await app.services.db.user.update({ where: { id: banned.id }, data: { state: "banned", banReason: "x" } });
    await app.services.db.user.update({
      where: { id: expired.id },
      data: { state: "banned", banReason: "y", bannedUntil: new Date(Date.now() - 1000) },
    });
    const list = (query: string) => app.call("GET", `/api/admin/users?q=filter&${query}`, { token: adminToken });
    expect(ids(await list("role=guest"))).toEqual([guest.id]);
    expect(ids(await list("state=banned"))).toEqual([banned.id]);
    const active = await list("state=active&sort=name");
    expect(ids(active)).toEqual([expired.id, guest.id]);
    expect(active.body.users[0]).toMatchObject({ state: "active", banReason: null });
    expect((await list("role=wizard")).status).toBe(400);
  });

  it("pages through equal names by id, each user exactly once, in every sort", async () => {
    const made = await Promise.all(Array.from({ length: 7 }, () => named("Paging Same")));
    for (const [sort, order] of [
      ["name", "asc"],
      ["name", "desc"],
      ["createdAt", "desc"],
      ["email", "asc"],
    ]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await app.call(
          "GET",
          `/api/admin/users?q=paging&sort=${sort}&order=${order}&limit=3${cursor ? `&cursor=${cursor}` : ""}`,
          { token: adminToken },
        );
        expect(page.status).toBe(200);
        expect(page.body.users.length).toBeLessThanOrEqual(3);
        seen.push(...ids(page));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.slice().sort()).toEqual(made.map((u) => u.id).sort());
      if (sort === "name") {
        const byId = made.map((u) => u.id).sort();
        expect(seen).toEqual(order === "asc" ? byId : byId.reverse());
      }
    }
  });

  it("refuses a forged cursor or one from another sort with 400", async () => {
    await Promise.all([named("Cursor A"), named("Cursor B")]);
    const first = await app.call("GET", "/api/admin/users?q=cursor&sort=name&limit=1", { token: adminToken });
    const other = await app.call(
      "GET",
      `/api/admin/users?q=cursor&sort=email&limit=1&cursor=${first.body.nextCursor}`,
      {
        token: adminToken,
      },
    );
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe("invalid_cursor");
    const forged = await app.call("GET", "/api/admin/users?cursor=bm90LWpzb24", { token: adminToken });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe("invalid_cursor");
  });
});

describe("creating and editing", () => {
  it("creates an account with a set-password link, and refuses a duplicate email with 409", async () => {
    const res = await app.call("POST", "/api/admin/users", {
      token: adminToken,
      body: { email: "  New.Person@Parley.TEST ", displayName: "New Person", role: "guest" },
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: "new.person@parley.test", role: "guest", hasPassword: false });
    expect(new Date(res.body.setPassword.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
    const dup = await app.call("POST", "/api/admin/users", {
      token: adminToken,
      body: { email: "new.person@parley.test", displayName: "Again" },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("email_taken");
    expect(
      await app.services.db.auditLog.count({
        where: { action: "user.created", details: { path: ["email"], equals: "new.person@parley.test" } },
      }),
    ).toBe(1);
  });

  it("lets only owners create owners", async () => {
    const body = { email: "second.owner@parley.test", displayName: "Second Owner", role: "owner" };
    const byAdmin = await app.call("POST", "/api/admin/users", { token: adminToken, body });
    expect(byAdmin.status).toBe(403);
    expect(await app.services.db.user.count({ where: { email: body.email } })).toBe(0);
    expect((await app.call("POST", "/api/admin/users", { token: ownerToken, body })).status).toBe(201);
  });

  it("edits email and display name, keeping nameKey in step", async () => {
    const user = await named("Before Edit");
    const taken = await named("Taken");
    const res = await app.call("PATCH", `/api/admin/users/${user.id}`, {
      token: adminToken,
      body: { displayName: "After EDIT", email: "After.Edit@parley.test", reason: "typo" },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ displayName: "After EDIT", email: "after.edit@parley.test" });
    expect((await app.services.db.user.findUniqueOrThrow({ where: { id: user.id } })).nameKey).toBe("after edit");
    const dup = await app.call("PATCH", `/api/admin/users/${user.id}`, {
      token: adminToken,
      body: { email: taken.email },
    });
    expect(dup.status).toBe(409);
    expect(
      (await app.call("PATCH", `/api/admin/users/${crypto.randomUUID()}`, { token: adminToken, body: {} })).status,
    ).toBe(404);
  });
});

describe("roles and owners", () => {
  it("keeps admins away from owners and from making owners", async () => {
    const owner = await createUser(app.services.db, { role: "owner" });
    const user = await named("Role Target");
    const promote = await app.call("PUT", `/api/admin/users/${user.id}/role`, {
      token: adminToken,
      body: { role: "owner" },
    });
    expect(promote.status).toBe(403);
    const demote = await app.call("PUT", `/api/admin/users/${owner.id}/role`, {
      token: adminToken,
      body: { role: "member" },
    });
    expect(demote.status).toBe(403);
    for (const action of ["deactivate", "sign-out", "reset-link"]) {
      expect((await app.call("POST", `/api/admin/users/${owner.id}/${action}`, { token: adminToken })).status).toBe(
        403,
      );
    }
    expect(
      (await app.call("POST", `/api/admin/users/${owner.id}/ban`, { token: adminToken, body: { reason: "x" } })).status,
    ).toBe(403);
    const ok = await app.call("PUT", `/api/admin/users/${user.id}/role`, {
      token: adminToken,
      body: { role: "admin" },
    });
    expect(ok.body.user.role).toBe("admin");
  });

  it("never demotes, deactivates or bans the last active owner (409)", async () => {
    // Leave exactly one active owner: the one signed in for this file.
    await app.services.db.user.updateMany({ where: { role: "owner", id: { not: ownerId } }, data: { role: "admin" } });
    const second = await createUser(app.services.db, { role: "owner" });
    await app.services.db.user.update({ where: { id: second.id }, data: { state: "deactivated" } });

    const demote = await app.call("PUT", `/api/admin/users/${ownerId}/role`, {
      token: ownerToken,
      body: { role: "admin" },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe("last_owner");
    const otherOwner = await signedIn(app.services.db, "owner");
    for (const [action, body] of [
      ["deactivate", undefined],
      ["ban", { reason: "no" }],
    ] as const) {
      await app.services.db.user.update({ where: { id: otherOwner.user.id }, data: { state: "deactivated" } });
      const res = await app.call("POST", `/api/admin/users/${ownerId}/${action}`, { token: otherOwner.token, body });
      // The other owner is deactivated here, so its session no longer works at all.
      expect(res.status).toBe(401);
      await app.services.db.user.update({ where: { id: otherOwner.user.id }, data: { state: "active" } });
    }
    expect((await app.services.db.user.findUniqueOrThrow({ where: { id: ownerId } })).role).toBe("owner");
  });

  it("lets only one of two owners demoting each other at once succeed", async () => {
    await app.services.db.user.updateMany({ where: { role: "owner" }, data: { role: "admin" } });
    const a = await signedIn(app.services.db, "owner");
    const b = await signedIn(app.services.db, "owner");
    const results = await Promise.all([
      app.call("PUT", `/api/admin/users/${b.user.id}/role`, { token: a.token, body: { role: "member" } }),
      app.call("PUT", `/api/admin/users/${a.user.id}/role`, { token: b.token, body: { role: "member" } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await app.services.db.user.count({ where: { role: "owner" } })).toBe(1);
    await app.services.db.user.update({ where: { id: ownerId }, data: { role: "owner" } });
  });
});

describe("instant effect", () => {
  it("ban: revokes every session, tells every node to close the sockets, and the old cookie says why", async () => {
    const target = await signedIn(app.services.db, "member", { password: PASSWORD });
    await signedIn(app.services.db, "member");
    const { seen, ready } = controlMessages(app.services.bus, target.user.id);
    await ready;
    const res = await app.call("POST", `/api/admin/users/${target.user.id}/ban`, {
      token: adminToken,
      body: { reason: "posting <script>spam</script>" },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      state: "banned",
      banReason: "posting <script>spam</script>",
      bannedUntil: null,
    });
    await waitFor(() => seen.length === 1, "sessionsRevoked", 5000);
    expect(seen).toEqual([{ type: "sessionsRevoked", reason: "banned" }]);
    expect(await app.services.db.session.count({ where: { userId: target.user.id } })).toBe(0);

    const next = await app.call("GET", "/api/me", { token: target.token });
    expect(next.status).toBe(403);
    expect(next.body.error).toMatchObject({ code: "banned", details: { reason: "posting <script>spam</script>" } });
    const login = await app.call("POST", "/api/auth/login", {
      body: { email: target.user.email, password: PASSWORD },
      ip: "192.0.2.1",
    });
    expect(login.status).toBe(403);

    const reactivate = await app.call("POST", `/api/admin/users/${target.user.id}/reactivate`, { token: adminToken });
    expect(reactivate.status).toBe(409);
    const unban = await app.call("POST", `/api/admin/users/${target.user.id}/unban`, {
      token: adminToken,
      body: { reason: "appeal" },
    });
    expect(unban.body.user.state).toBe("active");
    expect((await app.call("GET", "/api/me", { token: target.token })).status).toBe(401);
    const back = await app.call("POST", "/api/auth/login", {
      body: { email: target.user.email, password: PASSWORD },
      ip: "192.0.2.1",
    });
    expect(back.status).toBe(200);
  });

  it("ban with an end: shows until, refuses a past one", async () => {
    const target = await named("Timed Ban");
    const until = new Date(Date.now() + 3600_000).toISOString();
    const res = await app.call("POST", `/api/admin/users/${target.id}/ban`, {
      token: adminToken,
      body: { reason: "cool off", until },
    });
    expect(res.body.user.bannedUntil).toBe(until);
    const past = await app.call("POST", `/api/admin/users/${target.id}/ban`, {
      token: adminToken,
      body: { reason: "x", until: "2001-01-01T00:00:00Z" },
    });
    expect(past.status).toBe(400);
    expect(past.body.error.details.issues[0].path).toBe("until");
    expect((await app.call("POST", `/api/admin/users/${target.id}/ban`, { token: adminToken, body: {} })).status).toBe(
      400,
    );
  });

  it("deactivate: revokes sessions at once; reactivate lets the user back in", async () => {
    const target = await signedIn(app.services.db, "member", { password: PASSWORD });
    const { seen, ready } = controlMessages(app.services.bus, target.user.id);
    await ready;
    const res = await app.call("POST", `/api/admin/users/${target.user.id}/deactivate`, { token: adminToken });
    expect(res.body.user.state).toBe("deactivated");
    await waitFor(() => seen.length === 1, "sessionsRevoked", 5000);
    expect(seen).toEqual([{ type: "sessionsRevoked", reason: "deactivated" }]);
    expect((await app.call("GET", "/api/me", { token: target.token })).status).toBe(401);
    const login = () =>
      app.call("POST", "/api/auth/login", { body: { email: target.user.email, password: PASSWORD }, ip: "192.0.2.2" });
    expect((await login()).body.error.code).toBe("deactivated");
    await app.call("POST", `/api/admin/users/${target.user.id}/reactivate`, { token: adminToken });
    expect((await login()).status).toBe(200);
  });

  it("sign-out: ends every session of the user and says how many", async () => {
    const target = await signedIn(app.services.db, "member");
    const { seen, ready } = controlMessages(app.services.bus, target.user.id);
    await ready;
    const res = await app.call("POST", `/api/admin/users/${target.user.id}/sign-out`, {
      token: adminToken,
      body: { reason: "lost laptop" },
    });
    expect(res.body).toEqual({ revoked: 1 });
    await waitFor(() => seen.length === 1, "sessionsRevoked", 5000);
    expect(seen).toEqual([{ type: "sessionsRevoked", reason: "signedOut" }]);
    expect((await app.call("GET", "/api/me", { token: target.token })).status).toBe(401);
  });

  it("refuses to ban or deactivate yourself", async () => {
    const me = await signedIn(app.services.db, "admin");
    expect((await app.call("POST", `/api/admin/users/${me.user.id}/deactivate`, { token: me.token })).status).toBe(403);
    expect(
      (await app.call("POST", `/api/admin/users/${me.user.id}/ban`, { token: me.token, body: { reason: "x" } })).status,
    ).toBe(403);
  });
});
