// Accounts over HTTP against real PostgreSQL and Redis: sign-in (limits, failure bursts, banned and
// deactivated users), the profile, password changes, sessions, set-password links and invites.
import { describe, expect, it } from "vitest";
import { LOGIN_PER_ACCOUNT, LOGIN_PER_DEVICE } from "../../src/accounts/login.js";
import { controlMessages } from "../support/control-messages.js";
import { cookieToken, httpClient, type Reply, signedIn } from "../support/http.js";
import { inProcessApp } from "../support/in-process-app.js";
import { waitFor } from "../support/socket-client.js";

const deviceToken = (headers: Headers) => /parley_device=([^;]*)/.exec(headers.get("set-cookie") ?? "")?.[1] ?? null;

let ipCounter = 0;
/** Each test signs in from its own address so the per-IP limit only bites where a test wants it to. */
const freshIp = () => `198.51.100.${++ipCounter}`;
const PASSWORD = "correct horse battery";

const app = inProcessApp();

const login = (email: string, password: string, ip = freshIp()) =>
  app.call("POST", "/api/auth/login", { body: { email, password }, ip });

const tokenFrom = (link: string) => new URL(link).hash.replace("#token=", "");

describe("sign in", () => {
  it("sets an httpOnly SameSite=Lax cookie, answers the user and records the sign-in", async () => {
    const { user } = await signedIn(app.services.db, "member", { password: PASSWORD });
    const res = await login(user.email.toUpperCase(), PASSWORD, "203.0.113.7");
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: user.id, email: user.email, role: "member", state: "active" });
    expect(res.body.user).not.toHaveProperty("passwordHash");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const me = await app.call("GET", "/api/me", { token: cookieToken(res.headers) ?? "" });
    expect(me.body.user.id).toBe(user.id);
    const entry = await app.services.db.auditLog.findFirst({ where: { action: "auth.login", actorId: user.id } });
    expect(entry?.ip).toBe("203.0.113.7");
  });

  it("marks the cookie Secure behind TLS, as a trusted proxy says", async () => {
    const { user } = await signedIn(app.services.db, "member", { password: PASSWORD });
    const behindProxy = httpClient({
      ...app.services,
      config: { ...app.services.config, TRUSTED_PROXIES: ["loopback"] },
    });
    const viaTls = { body: { email: user.email, password: PASSWORD }, headers: { "x-forwarded-proto": "https" } };
    const res = await behindProxy("POST", "/api/auth/login", { ...viaTls, ip: "127.0.0.1" });
    expect(res.headers.get("set-cookie")).toMatch(/Secure/);
    // The same header from a client that is not a trusted proxy is not believed.
    const direct = await behindProxy("POST", "/api/auth/login", { ...viaTls, ip: freshIp() });
    expect(direct.status).toBe(200);
    expect(direct.headers.get("set-cookie")).not.toMatch(/Secure/);
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const { user } = await signedIn(app.services.db, "member", { password: PASSWORD });
    const wrong = await login(user.email, "not the password");
    const unknown = await login("nobody@parley.test", PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe("invalid_credentials");
  });

  it("limits attempts per account: the 11th in the window is a 429 with Retry-After", async () => {
    const { user } = await signedIn(app.services.db, "member", { password: PASSWORD });
    for (let i = 0; i < 10; i++) expect((await login(user.email, "wrong password")).status).toBe(401);
    const limited = await login(user.email, PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(limited.body.error.message).toMatch(/try again in \d+ s/);
  });

  it("counts failures only: signing in again and again is not limited", async () => {
    const { user } = await signedIn(app.services.db, "member", { password: PASSWORD });
    const ip = freshIp();
    for (let i = 0; i < LOGIN_PER_ACCOUNT.max + 5; i++)
      expect((await login(user.email, PASSWORD, ip)).status).toBe(200);
  });

  it("an attacker who locks an account out does not lock out its owner's known browser", async () => {
    const { user } = await signedIn(app.services.db, "member", { password: PASSWORD });
    const first = await login(user.email, PASSWORD);
    const device = deviceToken(first.headers);
    // Someone else guesses from many addresses until the account is locked for browsers it does not know.
    for (let i = 0; i < LOGIN_PER_ACCOUNT.max; i++) expect((await login(user.email, `guess ${i}`)).status).toBe(401);
    expect((await login(user.email, PASSWORD)).status).toBe(429); // even the right password, from elsewhere
    const owner = (password: string) =>
      app.call("POST", "/api/auth/login", {
        body: { email: user.email, password },
        ip: freshIp(),
        headers: { cookie: `parley_device=${device}` },
      });
    expect((await owner(PASSWORD)).status).toBe(200);
    expect(device).toMatch(/^[a-z2-7]{32}$/);
    // A known browser has a failure limit of its own: a stolen device cookie does not open unlimited guessing.
    for (let i = 0; i < LOGIN_PER_DEVICE.max; i++) expect((await owner(`typo ${i}`)).status).toBe(401);
    expect((await owner(PASSWORD)).status).toBe(429);
    // A device cookie of another account counts for nothing here.
    const other = await signedIn(app.services.db, "member", { password: PASSWORD });
    const otherDevice = deviceToken((await login(other.user.email, PASSWORD)).headers);
    const borrowed = await app.call("POST", "/api/auth/login", {
      body: { email: user.email, password: PASSWORD },
      ip: freshIp(),
      headers: { cookie: `parley_device=${otherDevice}` },
    });
    expect(borrowed.status).toBe(429);
  });

  it("limits attempts per IP across accounts", async () => {
    const ip = freshIp();
    for (let i = 0; i < 30; i++) expect((await login(`nobody-${i}@parley.test`, "x", ip)).status).toBe(401);
    const limited = await login("someone-else@parley.test", "x", ip);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("records a burst of failures on one account once, as a security event", async () => {
    const { user } = await signedIn(app.services.db, "member", { password: PASSWORD });
    for (let i = 0; i < 7; i++) await login(user.email, "wrong password", "192.0.2.44");
    const entries = await app.services.db.auditLog.findMany({
      where: { action: "auth.login_failures", targetId: user.id },
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId: null, targetType: "user", ip: "192.0.2.44" });
    expect(entries[0]?.details).toMatchObject({ email: user.email, failures: 5 });
  });

  it("tells a banned user why, and a deactivated one that they are, once the password is right", async () => {
    const { user: banned } = await signedIn(app.services.db, "member", { password: PASSWORD });
    await app.services.db.user.update({
      where: { id: banned.id },
      data: { state: "banned", banReason: "spam <b>x</b>" },
    });
    const res = await login(banned.email, PASSWORD);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: "banned", details: { reason: "spam <b>x</b>", until: null } });
    expect(res.body.error.message).toContain("spam <b>x</b>");
    expect(cookieToken(res.headers)).toBeNull();

    const { user: gone } = await signedIn(app.services.db, "member", { password: PASSWORD });
    await app.services.db.user.update({ where: { id: gone.id }, data: { state: "deactivated" } });
    const off = await login(gone.email, PASSWORD);
    expect(off.status).toBe(403);
    expect(off.body.error.code).toBe("deactivated");
    expect((await login(gone.email, "wrong password")).status).toBe(401);
  });

  it("lets a user whose ban has expired back in, and sets the row back to active", async () => {
    const { user } = await signedIn(app.services.db, "member", { password: PASSWORD });
    await app.services.db.user.update({
      where: { id: user.id },
      data: { state: "banned", banReason: "cool off", bannedUntil: new Date(Date.now() - 1000) },
    });
    const res = await login(user.email, PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ state: "active", banReason: null, bannedUntil: null });
    const row = await app.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ state: "active", banReason: null, bannedUntil: null });
    expect(await app.services.db.auditLog.count({ where: { action: "user.ban_expired", targetId: user.id } })).toBe(1);
  });
});

describe("me", () => {
  it("needs a session", async () => {
    const res = await app.call("GET", "/api/me");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
  });

  it("edits the profile, keeping nameKey in step and the time zone canonical", async () => {
    const { user, token } = await signedIn(app.services.db, "member");
    const res = await app.call("PATCH", "/api/me", {
      token,
      body: {
        displayName: "  Zoë Ångström ",
        statusText: "Out <today>",
        avatarUrl: "https://x.test/a.png",
        timeZone: "europe/paris",
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      displayName: "Zoë Ångström",
      statusText: "Out <today>",
      avatarUrl: "https://x.test/a.png",
      timeZone: "Europe/Paris",
    });
    const row = await app.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.nameKey).toBe("zoë ångström");
    const cleared = await app.call("PATCH", "/api/me", { token, body: { statusText: null, avatarUrl: null } });
    expect(cleared.body.user).toMatchObject({ statusText: null, avatarUrl: null, displayName: "Zoë Ångström" });
  });

  it("rejects a zone that is not IANA, a non-http avatar and unknown fields, changing nothing", async () => {
    const { user, token } = await signedIn(app.services.db, "member");
    for (const body of [
      { timeZone: "Mars/Olympus_Mons" },
      { timeZone: "+02:00" },
      { avatarUrl: "javascript:alert(1)" },
      { displayName: "ok", role: "owner" },
      { displayName: "" },
    ]) {
      const res = await app.call("PATCH", "/api/me", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.details.issues.length).toBeGreaterThan(0);
    }
    const row = await app.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ timeZone: "UTC", avatarUrl: null, displayName: user.displayName, role: "member" });
  });

  it("changes the password with the current one and signs out the other sessions", async () => {
    const { user, token } = await signedIn(app.services.db, "member", { password: PASSWORD });
    const other = await login(user.email, PASSWORD);
    const otherToken = cookieToken(other.headers) ?? "";
    const wrong = await app.call("POST", "/api/me/password", {
      token,
      body: { currentPassword: "nope", newPassword: "a brand new passphrase" },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe("wrong_password");
    const short = await app.call("POST", "/api/me/password", {
      token,
      body: { currentPassword: PASSWORD, newPassword: "short" },
    });
    expect(short.status).toBe(400);

    const ok = await app.call("POST", "/api/me/password", {
      token,
      body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    expect(ok.status).toBe(204);
    expect((await app.call("GET", "/api/me", { token })).status).toBe(200);
    expect((await app.call("GET", "/api/me", { token: otherToken })).status).toBe(401);
    expect((await login(user.email, PASSWORD)).status).toBe(401);
    expect((await login(user.email, "a brand new passphrase")).status).toBe(200);
    expect(await app.services.db.auditLog.count({ where: { action: "auth.password_changed", actorId: user.id } })).toBe(
      1,
    );
  });
});

describe("sessions", () => {
  it("lists mine, revokes one (closing its sockets) and then all the others", async () => {
    const { user, token, session } = await signedIn(app.services.db, "member", { password: PASSWORD });
    const second = cookieToken((await login(user.email, PASSWORD)).headers) ?? "";
    const third = cookieToken((await login(user.email, PASSWORD)).headers) ?? "";
    const { token: strangerToken, session: strangers } = await signedIn(app.services.db, "member");

    const list = await app.call("GET", "/api/me/sessions", { token });
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(3);
    expect(list.body.sessions.filter((s: { current: boolean }) => s.current).map((s: { id: string }) => s.id)).toEqual([
      session.id,
    ]);

    const { seen, ready } = controlMessages(app.services.bus, user.id);
    await ready;
    const secondId = list.body.sessions.find((s: { id: string; current: boolean }) => !s.current).id;
    expect((await app.call("DELETE", `/api/me/sessions/${secondId}`, { token })).status).toBe(204);
    await waitFor(() => seen.length === 1, "the control message", 5000);
    expect(seen[0]).toEqual({ type: "sessionsRevoked", reason: "signedOut", sessionIds: [secondId] });
    expect((await app.call("DELETE", `/api/me/sessions/${secondId}`, { token })).status).toBe(404);
    expect((await app.call("DELETE", `/api/me/sessions/${strangers.id}`, { token })).status).toBe(404);
    expect((await app.call("GET", "/api/me", { token: strangerToken })).status).toBe(200);

    const others = await app.call("POST", "/api/me/sessions/revoke-others", { token });
    expect(others.body).toEqual({ revoked: 1 });
    expect((await app.call("GET", "/api/me/sessions", { token })).body.sessions).toHaveLength(1);
    expect([second, third].filter(Boolean)).toHaveLength(2);
    expect((await app.call("GET", "/api/me", { token: third })).status).toBe(401);
  });

  it("signs out: the session ends and the cookie is cleared", async () => {
    const { token } = await signedIn(app.services.db, "member");
    const res = await app.call("POST", "/api/auth/logout", { token });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/parley_session=;/);
    expect((await app.call("GET", "/api/me", { token })).status).toBe(401);
    expect((await app.call("POST", "/api/auth/logout")).status).toBe(204);
  });
});

describe("set-password links", () => {
  async function createdAccount(email: string): Promise<Reply> {
    const { token } = await signedIn(app.services.db, "admin");
    return app.call("POST", "/api/admin/users", { token, body: { email, displayName: "New Person" } });
  }

  it("set the password once, sign the browser in, and then stop working", async () => {
    const created = await createdAccount("link-once@parley.test");
    expect(created.status).toBe(201);
    expect(created.body.setPassword.link).toMatch(/^http:\/\/localhost:3000\/set-password#token=[a-z2-7]{32}$/);
    const token = tokenFrom(created.body.setPassword.link);
    const stored = await app.services.db.passwordToken.findFirstOrThrow({ where: { userId: created.body.user.id } });
    expect(stored.id).not.toContain(token);
    expect(stored.purpose).toBe("setup");

    const set = await app.call("POST", "/api/auth/set-password", { body: { token, password: PASSWORD } });
    expect(set.status).toBe(200);
    expect(set.body.user).toMatchObject({ email: "link-once@parley.test", hasPassword: true });
    expect((await app.call("GET", "/api/me", { token: cookieToken(set.headers) ?? "" })).status).toBe(200);

    const again = await app.call("POST", "/api/auth/set-password", {
      body: { token, password: "another long password" },
    });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: "invalid_link", message: "This link was already used." });
    expect((await login("link-once@parley.test", PASSWORD)).status).toBe(200);
  });

  it("refuse an expired link, a superseded one and an unknown one", async () => {
    const created = await createdAccount("link-expired@parley.test");
    const first = tokenFrom(created.body.setPassword.link);
    const { token: adminToken } = await signedIn(app.services.db, "admin");
    const reset = await app.call("POST", `/api/admin/users/${created.body.user.id}/reset-link`, { token: adminToken });
    expect(reset.status).toBe(201);
    const superseded = await app.call("POST", "/api/auth/set-password", { body: { token: first, password: PASSWORD } });
    expect(superseded.status).toBe(400);
    expect(superseded.body.error.message).toBe("This link is not valid.");

    await app.services.db.passwordToken.updateMany({
      where: { userId: created.body.user.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await app.call("POST", "/api/auth/set-password", {
      body: { token: tokenFrom(reset.body.link), password: PASSWORD },
    });
    expect(expired.status).toBe(400);
    expect(expired.body.error.message).toMatch(/expired/);
    const row = await app.services.db.user.findUniqueOrThrow({ where: { id: created.body.user.id } });
    expect(row.passwordHash).toBeNull();
  });

  it("does not let a banned user in through a link, and leaves the link unused", async () => {
    const created = await createdAccount("link-banned@parley.test");
    await app.services.db.user.update({
      where: { id: created.body.user.id },
      data: { state: "banned", banReason: "no" },
    });
    const token = tokenFrom(created.body.setPassword.link);
    const res = await app.call("POST", "/api/auth/set-password", { body: { token, password: PASSWORD } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("banned");
    const stored = await app.services.db.passwordToken.findFirstOrThrow({ where: { userId: created.body.user.id } });
    expect(stored.usedAt).toBeNull();
  });
});

describe("invites", () => {
  async function invite(body: Record<string, unknown>) {
    const { token } = await signedIn(app.services.db, "admin");
    const res = await app.call("POST", "/api/admin/invites", { token, body });
    expect(res.status).toBe(201);
    return { id: res.body.invite.id as string, token: tokenFrom(res.body.link), adminToken: token };
  }

  const accept = (token: string, email: string) =>
    app.call("POST", "/api/auth/accept-invite", {
      body: { token, email, displayName: `Guest ${email}`, password: PASSWORD },
    });

  it("create an account with the invite's role, up to maxUses", async () => {
    const inv = await invite({ role: "guest", maxUses: 2 });
    const first = await accept(inv.token, "inv-a@parley.test");
    expect(first.status).toBe(201);
    expect(first.body.user).toMatchObject({ email: "inv-a@parley.test", role: "guest", hasPassword: true });
    expect(cookieToken(first.headers)).not.toBeNull();
    expect((await accept(inv.token, "inv-b@parley.test")).status).toBe(201);
    const third = await accept(inv.token, "inv-c@parley.test");
    expect(third.status).toBe(400);
    expect(third.body.error).toMatchObject({ code: "invalid_link", message: "This invite has been used up." });
    expect(await app.services.db.user.count({ where: { email: "inv-c@parley.test" } })).toBe(0);
    const row = await app.services.db.invite.findUniqueOrThrow({ where: { id: inv.id } });
    expect(row.uses).toBe(2);
    const nameKey = (await app.services.db.user.findUniqueOrThrow({ where: { email: "inv-a@parley.test" } })).nameKey;
    expect(nameKey).toBe("guest inv-a@parley.test");
  });

  it("refuse an expired or revoked invite", async () => {
    const expired = await invite({});
    await app.services.db.invite.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const late = await accept(expired.token, "inv-late@parley.test");
    expect(late.status).toBe(400);
    expect(late.body.error.message).toMatch(/expired/);

    const revoked = await invite({ maxUses: 5 });
    const res = await app.call("POST", `/api/admin/invites/${revoked.id}/revoke`, { token: revoked.adminToken });
    expect(res.status).toBe(200);
    expect(res.body.invite.status).toBe("revoked");
    const refused = await accept(revoked.token, "inv-revoked@parley.test");
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe("This invite was revoked.");
    expect(
      await app.services.db.user.count({
        where: { email: { in: ["inv-late@parley.test", "inv-revoked@parley.test"] } },
      }),
    ).toBe(0);
  });

  it("answer a taken email with 409 and keep the use", async () => {
    const { user } = await signedIn(app.services.db, "member");
    const inv = await invite({});
    const dup = await accept(inv.token, user.email.toUpperCase());
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("email_taken");
    expect((await app.services.db.invite.findUniqueOrThrow({ where: { id: inv.id } })).uses).toBe(0);
    expect((await accept(inv.token, "inv-after-dup@parley.test")).status).toBe(201);
  });
});
