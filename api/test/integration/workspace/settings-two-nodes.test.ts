// Workspace settings on two API processes sharing PostgreSQL, Redis and Kafka. Each node keeps the settings
// in a cache that nothing but the bus notice clears (workspace/cache.ts: no expiry), so a change made on
// node 1 reaching node 2's next request is the notice at work, not a timer. Both nodes have read (cached)
// the old value first. Bad edits change nothing; every change is in the audit log with before and after.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../../src/start-services.js";
import { createUser } from "../../support/fixtures.js";
import { ORIGIN } from "../../support/http.js";
import { type ApiProcess, startApi } from "../../support/processes.js";
import { sessionToken } from "../../support/socket-client.js";
import { createTestStack, type TestStack } from "../../support/stack.js";

/** The bus delivers within milliseconds; the rest is margin for a machine shared with other runs. */
const BOUND_MS = 5000;

let stack: TestStack;
let services: Running;
let nodes: ApiProcess[] = [];
let ownerCookie = "";

beforeAll(async () => {
  stack = await createTestStack({ redis: true, kafka: true });
  services = await stack.open();
  nodes = await Promise.all(
    [1, 2].map((n) => startApi({ ...stack.env, NODE_ID: `api-${n}`, PERSISTER: "off", PUBLIC_ORIGIN: ORIGIN })),
  );
  const res = await fetch(`${nodes[0]?.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN },
    body: JSON.stringify({ email: stack.env.ADMIN_EMAIL, password: stack.env.ADMIN_PASSWORD }),
  });
  expect(res.status).toBe(200);
  ownerCookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}, 180_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await stack?.cleanup();
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
async function call(node: ApiProcess, cookie: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: { "content-type": "application/json", origin: ORIGIN, cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function cookieOf(role: "member" | "guest") {
  const user = await createUser(services.db, { role });
  return { user, cookie: `parley_session=${await sessionToken(services.db, user.id)}` };
}

/** Polls `attempt` until it answers `status`; fails after BOUND_MS with the last answer. */
async function becomes<T extends { status: number; body: unknown }>(status: number, attempt: () => Promise<T>) {
  const deadline = Date.now() + BOUND_MS;
  for (;;) {
    const res = await attempt();
    if (res.status === status) return res;
    if (Date.now() > deadline) throw new Error(`still ${res.status} ${JSON.stringify(res.body)} after ${BOUND_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const channelName = () => `c-${randomUUID().slice(0, 8)}`;

describe("workspace settings across nodes", () => {
  it("who may create channels: a change on node 1 holds on node 2 without a restart, and back", async () => {
    const [first, second] = nodes as [ApiProcess, ApiProcess];
    const { cookie } = await cookieOf("member");
    const create = () => call(second, cookie, "POST", "/api/channels", { kind: "public", name: channelName() });
    expect((await create()).status).toBe(201); // node 2 has read and kept "members"

    const changed = await call(first, ownerCookie, "PATCH", "/api/admin/settings", { channelCreators: "admins" });
    expect(changed.body).toMatchObject({ channelCreators: "admins" });
    const refused = await becomes(403, create);
    expect(refused.body.error.code).toBe("admins_only");
    // Admins still may, on either node.
    expect(
      (await call(second, ownerCookie, "POST", "/api/channels", { kind: "public", name: channelName() })).status,
    ).toBe(201);

    await call(first, ownerCookie, "PATCH", "/api/admin/settings", { channelCreators: "members" });
    await becomes(201, create);
  });

  it("guests may be kept from starting conversations; the ones others started stay open to them", async () => {
    const [first, second] = nodes as [ApiProcess, ApiProcess];
    const guest = await cookieOf("guest");
    const [alice, bob] = [await cookieOf("member"), await cookieOf("member")];
    await services.db.channel.create({
      data: {
        kind: "private",
        name: channelName(),
        createdById: alice.user.id,
        members: { create: [guest, alice, bob].map(({ user }) => ({ userId: user.id })) },
      },
    });
    const open = (userId: string) => call(second, guest.cookie, "POST", "/api/dms", { userIds: [userId] });
    expect((await open(alice.user.id)).status).toBeLessThan(300); // node 2 has read and kept "allowed"

    await call(first, ownerCookie, "PATCH", "/api/admin/settings", { guestsCanStartDms: false });
    const refused = await becomes(403, () => open(bob.user.id));
    expect(refused.body.error.code).toBe("guest_restricted");
    expect((await open(alice.user.id)).status).toBe(200); // exists already: opening it again is not starting one

    await call(first, ownerCookie, "PATCH", "/api/admin/settings", { guestsCanStartDms: true });
    expect((await becomes(201, () => open(bob.user.id))).status).toBe(201);
  });

  it("refuses bad edits with a typed error and changes nothing; audits each change with before and after", async () => {
    const [first, second] = nodes as [ApiProcess, ApiProcess];
    const before = (await call(second, ownerCookie, "GET", "/api/admin/settings")).body;
    for (const bad of [
      {},
      { icon: "ABC" },
      { name: "" },
      { name: "x".repeat(61) },
      { retentionDays: 0 },
      { retentionDays: 1.5 },
      { channelCreators: "guests" },
      { pushPreviews: false },
    ]) {
      const res = await call(first, ownerCookie, "PATCH", "/api/admin/settings", bad);
      expect({ bad, status: res.status, code: res.body.error.code }).toEqual({
        bad,
        status: 400,
        code: "invalid_request",
      });
    }
    expect((await call(second, ownerCookie, "GET", "/api/admin/settings")).body).toEqual(before);

    const edit = { name: " Acme Corp ", icon: "🚀", retentionDays: 30 };
    const after = await call(first, ownerCookie, "PATCH", "/api/admin/settings", edit);
    expect(after.body).toMatchObject({ name: "Acme Corp", icon: "🚀", retentionDays: 30 });
    expect((await call(second, ownerCookie, "GET", "/api/admin/settings")).body).toMatchObject(after.body);
    const audit = await call(second, ownerCookie, "GET", "/api/admin/audit?action=workspace.settings_changed&limit=1");
    expect(audit.body.entries[0]).toMatchObject({
      targetType: "workspace",
      details: {
        before: { name: before.name, icon: before.icon, retentionDays: before.retentionDays },
        after: { name: "Acme Corp", icon: "🚀", retentionDays: 30 },
      },
    });
    // The same values again: nothing changed, nothing recorded.
    const count = (await services.db.auditLog.count({ where: { action: "workspace.settings_changed" } })) as number;
    await call(first, ownerCookie, "PATCH", "/api/admin/settings", { name: "Acme Corp" });
    expect(await services.db.auditLog.count({ where: { action: "workspace.settings_changed" } })).toBe(count);
  });
});
