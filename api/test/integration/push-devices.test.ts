// Push devices, notification settings and the admin's push switches over HTTP, against real PostgreSQL and
// Redis: who may do what (as they are now), bad input refused without a change, and the revoke path —
// signing a session out, a ban, an admin's sign-out — taking the devices with the sessions.
import { describe, expect, it } from "vitest";
import { createSession } from "../../src/accounts/sessions.js";
import { countPushes } from "../../src/notifications/counters.js";
import { signedIn } from "../support/http.js";
import { inProcessApp } from "../support/in-process-app.js";

const app = inProcessApp(async ({ services }) => {
  await services.db.workspace.create({ data: { name: "Parley" } });
});

const token = (n: number) => `fcm-token-${n}-${"x".repeat(140)}`;
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

describe("devices", () => {
  it("registers, lists (this browser marked), moves a token to whoever registers it next, and removes", async () => {
    const me = await signedIn(app.services.db, "member");
    const other = await signedIn(app.services.db, "member");
    const reg = await app.call("POST", "/api/notifications/devices", {
      token: me.token,
      body: { token: token(1), platform: "web" },
      headers: { "user-agent": CHROME },
    });
    expect(reg.status).toBe(200);
    expect(reg.body.device).toMatchObject({ platform: "web", label: "Chrome on Linux", current: true });
    const again = await app.call("POST", "/api/notifications/devices", {
      token: me.token,
      body: { token: token(1), platform: "web" },
    });
    expect(again.body.device.id).toBe(reg.body.device.id); // refreshed, not doubled
    expect((await app.call("GET", "/api/notifications/devices", { token: me.token })).body.devices).toHaveLength(1);

    // Someone else signs in on that browser: the token is theirs now.
    await app.call("POST", "/api/notifications/devices", {
      token: other.token,
      body: { token: token(1), platform: "web" },
    });
    expect((await app.call("GET", "/api/notifications/devices", { token: me.token })).body.devices).toEqual([]);
    const theirs = (await app.call("GET", "/api/notifications/devices", { token: other.token })).body.devices;
    expect(theirs).toHaveLength(1);

    // Nobody removes someone else's device (it does not exist for them); its owner does.
    expect((await app.call("DELETE", `/api/notifications/devices/${theirs[0].id}`, { token: me.token })).status).toBe(
      404,
    );
    expect(
      (await app.call("DELETE", `/api/notifications/devices/${theirs[0].id}`, { token: other.token })).status,
    ).toBe(204);
    expect(await app.services.db.pushDevice.count({ where: { userId: other.user.id } })).toBe(0);
  });

  it("refuses bad input with a typed error and stores nothing; needs a session", async () => {
    const me = await signedIn(app.services.db, "member");
    for (const body of [
      { token: "short", platform: "web" },
      { token: `${token(2)} spaces`, platform: "web" },
      { token: token(2), platform: "fax" },
      { token: token(2), platform: "web", extra: true },
    ]) {
      const res = await app.call("POST", "/api/notifications/devices", { token: me.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
    }
    expect(await app.services.db.pushDevice.count({ where: { userId: me.user.id } })).toBe(0);
    expect((await app.call("GET", "/api/notifications/devices")).status).toBe(401);
    expect(
      (await app.call("POST", "/api/notifications/devices", { body: { token: token(2), platform: "web" } })).status,
    ).toBe(401);
  });

  it("signing out a session removes its device; the user's other browsers keep theirs", async () => {
    const me = await signedIn(app.services.db, "member");
    const second = await createSession(app.services.db, me.user.id, 1);
    await app.call("POST", "/api/notifications/devices", {
      token: me.token,
      body: { token: token(3), platform: "web" },
    });
    await app.call("POST", "/api/notifications/devices", {
      token: second.token,
      body: { token: token(4), platform: "web" },
    });
    expect((await app.call("POST", "/api/auth/logout", { token: me.token })).status).toBe(204);
    const left = await app.services.db.pushDevice.findMany({ where: { userId: me.user.id }, select: { token: true } });
    expect(left).toEqual([{ token: token(4) }]);
  });

  it("a ban, and an admin's sign-out, remove every device of the user at once", async () => {
    const admin = await signedIn(app.services.db, "admin");
    for (const action of ["ban", "sign-out"] as const) {
      const target = await signedIn(app.services.db, "member");
      const laptop = await createSession(app.services.db, target.user.id, 1);
      await app.call("POST", "/api/notifications/devices", {
        token: target.token,
        body: { token: token(10), platform: "web" },
      });
      await app.call("POST", "/api/notifications/devices", {
        token: laptop.token,
        body: { token: token(11), platform: "android" },
      });
      expect(await app.services.db.pushDevice.count({ where: { userId: target.user.id } })).toBe(2);
      const res = await app.call("POST", `/api/admin/users/${target.user.id}/${action}`, {
        token: admin.token,
        body: { reason: "testing push devices" },
      });
      expect(res.status).toBe(200);
      expect(await app.services.db.pushDevice.count({ where: { userId: target.user.id } })).toBe(0);
    }
  });
});

describe("do not disturb and quiet hours", () => {
  it("snoozes, sets quiet hours, and shows them in the user's time zone", async () => {
    const me = await signedIn(app.services.db, "member");
    await app.call("PATCH", "/api/me", { token: me.token, body: { timeZone: "Europe/Paris" } });
    expect((await app.call("GET", "/api/notifications/settings", { token: me.token })).body).toEqual({
      dndUntil: null,
      quietHours: null,
      timeZone: "Europe/Paris",
    });
    const until = new Date(Date.now() + 3600_000).toISOString();
    const set = await app.call("PUT", "/api/notifications/settings", {
      token: me.token,
      body: { dndUntil: until, quietHours: { start: "22:00", end: "07:30" } },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      dndUntil: until,
      quietHours: { start: "22:00", end: "07:30" },
      timeZone: "Europe/Paris",
    });
    const stored = await app.services.db.notificationSettings.findUniqueOrThrow({ where: { userId: me.user.id } });
    expect([stored.quietStart, stored.quietEnd]).toEqual([22 * 60, 7 * 60 + 30]);
    const off = await app.call("PUT", "/api/notifications/settings", {
      token: me.token,
      body: { dndUntil: null, quietHours: null },
    });
    expect(off.body).toMatchObject({ dndUntil: null, quietHours: null });
  });

  it("refuses a snooze in the past, a time that is not HH:MM, equal ends, and an empty edit", async () => {
    const me = await signedIn(app.services.db, "member");
    for (const body of [
      { dndUntil: new Date(Date.now() - 1000).toISOString() },
      { quietHours: { start: "24:00", end: "07:00" } },
      { quietHours: { start: "7:00", end: "08:00" } },
      { quietHours: { start: "08:00", end: "08:00" } },
      {},
    ]) {
      const res = await app.call("PUT", "/api/notifications/settings", { token: me.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await app.services.db.notificationSettings.count({ where: { userId: me.user.id } })).toBe(0);
  });
});

describe("the admin's push switches", () => {
  it("admins read and switch them (audited); members may not; counts per minute are served", async () => {
    const admin = await signedIn(app.services.db, "admin");
    const member = await signedIn(app.services.db, "member");
    expect((await app.call("GET", "/api/admin/push", { token: member.token })).status).toBe(403);
    expect((await app.call("PUT", "/api/admin/push", { token: member.token, body: { enabled: false } })).status).toBe(
      403,
    );
    expect((await app.call("GET", "/api/admin/push", { token: admin.token })).body).toEqual({
      enabled: true,
      previews: true,
      fcmConfigured: false,
    });
    const res = await app.call("PUT", "/api/admin/push", { token: admin.token, body: { previews: false } });
    expect(res.body).toEqual({ enabled: true, previews: false, fcmConfigured: false });
    const entry = await app.services.db.auditLog.findFirst({ where: { action: "workspace.push_settings_changed" } });
    expect(entry).toMatchObject({
      actorId: admin.user.id,
      details: { before: { previews: true }, after: { previews: false } },
    });
    expect((await app.call("PUT", "/api/admin/push", { token: admin.token, body: {} })).status).toBe(400);
    expect((await app.call("PUT", "/api/admin/push", { token: admin.token, body: { enabled: "yes" } })).status).toBe(
      400,
    );

    // What a member's client learns: no FCM here (no service account), previews off.
    expect((await app.call("GET", "/api/notifications/config", { token: member.token })).body).toEqual({
      fcm: false,
      previews: false,
      firebase: null,
    });

    await countPushes(app.services.kv, "sent", 3);
    await countPushes(app.services.kv, "failed", 1);
    const stats = await app.call("GET", "/api/admin/push/stats", { token: admin.token });
    expect(stats.body.minutes).toHaveLength(60);
    expect(stats.body.minutes.at(-1)).toMatchObject({ sent: 3, failed: 1, browser: 0 });
    expect((await app.call("GET", "/api/admin/push/stats", { token: member.token })).status).toBe(403);
  });
});
