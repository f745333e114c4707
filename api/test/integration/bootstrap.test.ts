// A deployment's first start (bootstrap/bootstrap.ts), against a fresh real PostgreSQL database: the
// workspace, an owner who can sign in and #general are made once, by one of several nodes starting together,
// and what was written reads back through the app like anything Prisma wrote.
import { describe, expect, it } from "vitest";
import { bootstrapWorkspace } from "../../src/bootstrap/bootstrap.js";
import { cookieToken } from "../support/http.js";
import { inProcessApp } from "../support/in-process-app.js";

const app = inProcessApp();
const EMAIL = "First.Owner@Parley.test";
const PASSWORD = "first-owner-password";

describe("first start", () => {
  it("makes the workspace, the owner and #general once, even with three nodes starting at the same moment", async () => {
    const started = Date.now();
    const results = await Promise.all(
      [1, 2, 3].map(() => bootstrapWorkspace(app.services, { adminEmail: EMAIL, adminPassword: PASSWORD })),
    );
    expect(results.filter((r) => r.created)).toEqual([{ created: true, adminEmail: EMAIL.toLowerCase() }]);
    expect(await app.services.db.workspace.count()).toBe(1);
    expect(await app.services.db.user.count()).toBe(1);
    expect(await bootstrapWorkspace(app.services, { adminEmail: "other@parley.test" })).toEqual({ created: false });

    const owner = await app.services.db.user.findUniqueOrThrow({ where: { email: EMAIL.toLowerCase() } });
    expect(owner).toMatchObject({ displayName: "Admin", nameKey: "admin", role: "owner", state: "active" });
    // Timestamps are UTC wall-clock time, as Prisma writes them: read back within the test's span.
    expect(owner.createdAt.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(owner.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const login = await app.call("POST", "/api/auth/login", {
      body: { email: EMAIL, password: PASSWORD },
      ip: "198.51.100.200",
    });
    expect(login.status).toBe(200);
    const token = cookieToken(login.headers) ?? "";
    const mine = await app.call("GET", "/api/channels", { token });
    expect(mine.status).toBe(200);
    expect(mine.body.channels).toEqual([
      expect.objectContaining({ name: "general", kind: "public", role: "admin", unreadCount: 0 }),
    ]);
    const general = await app.services.db.channel.findUniqueOrThrow({
      where: { name: "general" },
      include: { members: true },
    });
    expect(general).toMatchObject({ isDefault: true, createdById: owner.id, purpose: "Everyone, everything." });
    expect(general.members).toEqual([expect.objectContaining({ userId: owner.id, role: "admin" })]);
  });

  it("makes up a password when none is configured, and it signs in", async () => {
    await app.services.db.user.deleteMany();
    await app.services.db.channel.deleteMany();
    await app.services.db.workspace.deleteMany();
    const result = await bootstrapWorkspace(app.services, { adminEmail: "owner2@parley.test" });
    expect(result).toMatchObject({ created: true, adminEmail: "owner2@parley.test" });
    expect(result.generatedPassword).toMatch(/^[\w-]{16}$/);
    const login = await app.call("POST", "/api/auth/login", {
      body: { email: "owner2@parley.test", password: result.generatedPassword },
      ip: "198.51.100.201",
    });
    expect(login.status).toBe(200);
  });
});
