// The audit log and the stats against real PostgreSQL: every admin action leaves an entry with actor,
// action, target, reason, IP and time; the list filters and pages; nothing can edit it. Stats count users
// by effective state and role, and sign-ins per day from the log.
import { describe, expect, it } from "vitest";
import { parseCsv } from "../support/csv.js";
import { createUser } from "../support/fixtures.js";
import { httpClient, signedIn } from "../support/http.js";
import { inProcessApp } from "../support/in-process-app.js";
import { createTestStack } from "../support/stack.js";

const app = inProcessApp();

const IP = "203.0.113.99";

describe("audit log", () => {
  it("records every admin action with actor, target, reason, IP and time, and filters and pages them", async () => {
    const started = new Date();
    const { user: admin, token } = await signedIn(app.services.db, "owner");
    const act = async (method: string, url: string, body?: unknown) => {
      const res = await app.call(method, url, { token, ip: IP, body });
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    const created = await act("POST", "/api/admin/users", { email: "audited@parley.test", displayName: "Audited" });
    const id = created.user.id as string;
    const u = (suffix: string) => `/api/admin/users/${id}${suffix}`;
    await act("PATCH", u(""), { displayName: "Audited Two", reason: "r-edit" });
    await act("PUT", u("/role"), { role: "admin", reason: "r-role" });
    await act("POST", u("/deactivate"), { reason: "r-deactivate" });
    await act("POST", u("/reactivate"), { reason: "r-reactivate" });
    await act("POST", u("/ban"), { reason: "r-ban" });
    await act("POST", u("/unban"), { reason: "r-unban" });
    await act("POST", u("/sign-out"), { reason: "r-sign-out" });
    await act("POST", u("/reset-link"), { reason: "r-reset" });
    const invite = await act("POST", "/api/admin/invites", { role: "guest" });
    await act("POST", `/api/admin/invites/${invite.invite.id}/revoke`, { reason: "r-revoke" });

    const list = await app.call("GET", `/api/admin/audit?actorId=${admin.id}&limit=100`, { token });
    expect(list.status).toBe(200);
    const entries = list.body.entries as Record<string, unknown>[];
    expect(entries.map((e) => e.action).reverse()).toEqual([
      "user.created",
      "user.updated",
      "user.role_changed",
      "user.deactivated",
      "user.reactivated",
      "user.banned",
      "user.unbanned",
      "user.signed_out",
      "user.reset_link_created",
      "invite.created",
      "invite.revoked",
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ actorId: admin.id, ip: IP, actor: { id: admin.id, email: admin.email } });
      expect(new Date(entry.at as string).getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
    }
    const ban = entries.find((e) => e.action === "user.banned");
    expect(ban).toMatchObject({
      targetType: "user",
      targetId: id,
      reason: "r-ban",
      target: { id, displayName: "Audited Two" },
    });
    expect(entries.find((e) => e.action === "user.role_changed")?.details).toEqual({ from: "member", to: "admin" });
    expect(entries.find((e) => e.action === "user.updated")?.details).toEqual({
      before: { displayName: "Audited" },
      after: { displayName: "Audited Two" },
    });
    expect(entries.find((e) => e.action === "invite.revoked")).toMatchObject({
      targetType: "invite",
      targetId: invite.invite.id,
      reason: "r-revoke",
    });

    const byAction = await app.call("GET", "/api/admin/audit?action=user.banned", { token });
    expect(byAction.body.entries.map((e: { targetId: string }) => e.targetId)).toEqual([id]);
    const byTarget = await app.call("GET", `/api/admin/audit?targetId=${id}`, { token });
    expect(byTarget.body.entries).toHaveLength(9);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await app.call("GET", `/api/admin/audit?from=${future}`, { token })).body.entries).toEqual([]);
    const before = await app.call("GET", `/api/admin/audit?to=${encodeURIComponent(started.toISOString())}`, { token });
    expect(before.body.entries).toEqual([]);
    expect((await app.call("GET", "/api/admin/audit?action=user.deleted", { token })).status).toBe(400);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await app.call(
        "GET",
        `/api/admin/audit?actorId=${admin.id}&limit=4${cursor ? `&cursor=${cursor}` : ""}`,
        {
          token,
        },
      );
      paged.push(...page.body.entries.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(entries.map((e) => e.id));
  });

  it("records nothing for a refused or failed action", async () => {
    const { user: admin, token } = await signedIn(app.services.db, "admin");
    const owner = await createUser(app.services.db, { role: "owner" });
    const taken = await createUser(app.services.db);
    await app.call("POST", `/api/admin/users/${owner.id}/ban`, { token, body: { reason: "no" } });
    await app.call("POST", "/api/admin/users", { token, body: { email: taken.email, displayName: "Dup" } });
    await app.call("POST", "/api/admin/users", { token, body: { email: "x@parley.test", displayName: "X", extra: 1 } });
    expect(await app.services.db.auditLog.count({ where: { actorId: admin.id } })).toBe(0);
  });

  it("cannot be edited or deleted through the API", async () => {
    const { token } = await signedIn(app.services.db, "owner");
    const [entry] = (await app.call("GET", "/api/admin/audit?limit=1", { token })).body.entries;
    for (const method of ["PATCH", "PUT", "DELETE"]) {
      expect((await app.call(method, `/api/admin/audit/${entry.id}`, { token, body: {} })).status).toBe(404);
      expect((await app.call(method, "/api/admin/audit", { token, body: {} })).status).toBe(404);
    }
  });
});

describe("audit CSV export", () => {
  it("streams every entry the filters match, across pages, as RFC 4180 with formula cells defused", async () => {
    const own = await createTestStack({ redis: true });
    try {
      const s = await own.open();
      const api = httpClient(s);
      const { user: admin, token } = await signedIn(s.db, "admin");
      const { token: memberToken } = await signedIn(s.db, "member");
      const hostile = await createUser(s.db, { name: '=HYPERLINK("http://evil","x")' });
      const other = await createUser(s.db);
      const day = 24 * 3600_000;
      const now = Date.now();
      // 1,200 bans of `hostile` (more than two of the export's pages), the newest first in the file.
      await s.db.auditLog.createMany({
        data: Array.from({ length: 1200 }, (_, i) => ({
          action: "user.banned",
          actorId: admin.id,
          targetType: "user",
          targetId: hostile.id,
          reason: i === 0 ? 'line one\nsaid "stop", then\r\n+cmd|calc' : `ban ${i}`,
          at: new Date(now - 10 * day + i * 1000),
          details: { n: i },
        })),
      });
      await s.db.auditLog.create({
        data: {
          action: "user.deactivated",
          actorId: admin.id,
          targetType: "user",
          targetId: other.id,
          at: new Date(now - day),
        },
      });
      await s.db.auditLog.create({
        data: { action: "auth.login_failures", targetType: "email", targetId: "-x@parley.test" },
      });

      const res = await api("GET", "/api/admin/audit/export.csv?action=user.banned", { token });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="parley-audit-[0-9T-]+Z\.csv"/);
      const [head, ...rows] = parseCsv(res.body as string);
      expect(head).toEqual([
        "id",
        "at",
        "action",
        "actor_id",
        "actor_email",
        "actor_name",
        "target_type",
        "target_id",
        "target_email",
        "target_name",
        "reason",
        "ip",
        "details",
      ]);
      expect(rows).toHaveLength(1200);
      const col = (name: string) => (head as string[]).indexOf(name);
      expect(rows.map((r) => r[col("reason")]).slice(0, 2)).toEqual(["ban 1199", "ban 1198"]);
      const first = rows.at(-1) as string[];
      expect(first[col("reason")]).toBe('line one\nsaid "stop", then\r\n+cmd|calc');
      expect(first[col("target_name")]).toBe('\'=HYPERLINK("http://evil","x")');
      expect(first[col("actor_email")]).toBe(admin.email);
      expect(first[col("details")]).toBe('{"n":0}');
      expect(new Set(rows.map((r) => r[col("id")])).size).toBe(1200);

      // The list's other filters: actor, target (an email too), and the date range [from, to).
      const csv = async (query: string) => {
        const reply = await api("GET", `/api/admin/audit/export.csv?${query}`, { token });
        expect(reply.status, query).toBe(200);
        return parseCsv(reply.body as string).slice(1);
      };
      expect((await csv(`targetId=${other.id}`)).map((r) => r[col("action")])).toEqual(["user.deactivated"]);
      const byEmail = await csv("targetId=-x@parley.test");
      expect(byEmail.map((r) => r[col("target_id")])).toEqual(["'-x@parley.test"]);
      expect(await csv(`actorId=${admin.id}`)).toHaveLength(1201);
      const from = new Date(now - 10 * day + 100_000).toISOString();
      const to = new Date(now - 10 * day + 110_000).toISOString();
      const range = await csv(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      expect(range.map((r) => r[col("reason")])).toEqual(Array.from({ length: 10 }, (_, i) => `ban ${109 - i}`));
      expect((await api("GET", "/api/admin/audit/export.csv?action=user.deleted", { token })).status).toBe(400);

      // Admins only, like every route under /api/admin.
      const refused = await api("GET", "/api/admin/audit/export.csv", { token: memberToken });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: expect.any(String) } });
      expect((await api("GET", "/api/admin/audit/export.csv")).status).toBe(401);
    } finally {
      await own.cleanup();
    }
  });
});

describe("stats", () => {
  it("counts users by effective state and role, and sign-ins per UTC day for 30 days", async () => {
    const own = await createTestStack({ redis: true });
    try {
      const s = await own.open();
      const api = httpClient(s);
      const { token } = await signedIn(s.db, "owner", { password: "correct horse battery" });
      const member = await createUser(s.db);
      const guest = await createUser(s.db, { role: "guest" });
      const admin = await createUser(s.db, { role: "admin" });
      await s.db.user.update({ where: { id: member.id }, data: { state: "banned", banReason: "x" } });
      await s.db.user.update({ where: { id: admin.id }, data: { state: "deactivated" } });
      await s.db.user.update({
        where: { id: guest.id },
        data: { state: "banned", banReason: "old", bannedUntil: new Date(Date.now() - 1000) },
      });
      const owner = await s.db.user.findFirstOrThrow({ where: { role: "owner" } });
      for (let i = 0; i < 3; i++) {
        const res = await api("POST", "/api/auth/login", {
          body: { email: owner.email, password: "correct horse battery" },
          ip: `192.0.2.${i}`,
        });
        expect(res.status).toBe(200);
      }
      const day = 24 * 3600_000;
      await s.db.auditLog.createMany({
        data: [
          { action: "auth.login", actorId: owner.id, at: new Date(Date.now() - 2 * day) },
          { action: "auth.login", actorId: owner.id, at: new Date(Date.now() - 40 * day) },
          { action: "auth.login_failures", at: new Date() },
        ],
      });

      const res = await api("GET", "/api/admin/stats", { token });
      expect(res.status).toBe(200);
      expect(res.body.users).toEqual({
        total: 4,
        byState: { active: 2, deactivated: 1, banned: 1 },
        byRole: { owner: 1, admin: 1, member: 1, guest: 1 },
      });
      const perDay = res.body.signInsPerDay as { day: string; count: number }[];
      expect(perDay).toHaveLength(30);
      expect(perDay.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), count: 3 });
      expect(perDay.at(-3)).toEqual({ day: new Date(Date.now() - 2 * day).toISOString().slice(0, 10), count: 1 });
      expect(perDay.reduce((sum, d) => sum + d.count, 0)).toBe(4);
    } finally {
      await own.cleanup();
    }
  });
});
