// Every admin route × every kind of caller: owners and admins succeed, members and guests get 403,
// anonymous callers 401, banned users 403 `banned`. The route list is checked against /api/openapi.json
// so a new admin route cannot skip this matrix. The admin socket frames (every `admin.*` frame of the
// protocol module) get the same matrix over a real socket, and a demoted admin stops receiving live operations.
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionIdOf } from "../../src/accounts/sessions.js";
import { createRealtimeApp } from "../../src/realtime/node.js";
import { clientRequestSchema } from "../../src/realtime/protocol.js";
import { createUser } from "../support/fixtures.js";
import { type Role, signedIn } from "../support/http.js";
import { inProcessApp } from "../support/in-process-app.js";
import { freePort } from "../support/processes.js";
import { TestSocket, waitFor } from "../support/socket-client.js";

const app = inProcessApp();

interface Case {
  method: string;
  /** OpenAPI path under /api, as the document spells it. */
  path: string;
  ok: number;
  /** A fresh request each time: actions change their target, so every caller gets a new one. */
  prepare(): Promise<{ url: string; body?: unknown }>;
}

const member = () => createUser(app.services.db);
const inState = async (state: "deactivated" | "banned") => {
  const user = await member();
  return app.services.db.user.update({
    where: { id: user.id },
    data: { state, banReason: state === "banned" ? "x" : null },
  });
};
const invite = async () => {
  const owner = await createUser(app.services.db, { role: "owner" });
  return app.services.db.invite.create({
    data: { tokenHash: randomUUID(), expiresAt: new Date(Date.now() + 60_000), createdById: owner.id },
  });
};
const userUrl = async (suffix = "", make = member) => `/api/admin/users/${(await make()).id}${suffix}`;

const cases: Case[] = [
  { method: "GET", path: "/admin/files", ok: 200, prepare: async () => ({ url: "/api/admin/files" }) },
  { method: "GET", path: "/admin/files/usage", ok: 200, prepare: async () => ({ url: "/api/admin/files/usage" }) },
  {
    method: "PATCH",
    path: "/admin/files/settings",
    ok: 200,
    prepare: async () => {
      await workspaceRow();
      return { url: "/api/admin/files/settings", body: { quotaBytes: 10 * 1024 * 1024 * 1024 } };
    },
  },
  // No such file: an admin is let through to the lookup (404); everyone else is refused before it.
  {
    method: "DELETE",
    path: "/admin/files/{id}",
    ok: 404,
    prepare: async () => ({ url: `/api/admin/files/${randomUUID()}` }),
  },
  { method: "GET", path: "/admin/users", ok: 200, prepare: async () => ({ url: "/api/admin/users?q=user&sort=name" }) },
  { method: "GET", path: "/admin/users/{id}", ok: 200, prepare: async () => ({ url: await userUrl() }) },
  {
    method: "POST",
    path: "/admin/users",
    ok: 201,
    prepare: async () => ({
      url: "/api/admin/users",
      body: { email: `${randomUUID()}@parley.test`, displayName: "N" },
    }),
  },
  {
    method: "PATCH",
    path: "/admin/users/{id}",
    ok: 200,
    prepare: async () => ({ url: await userUrl(), body: { displayName: "Renamed" } }),
  },
  {
    method: "PUT",
    path: "/admin/users/{id}/role",
    ok: 200,
    prepare: async () => ({ url: await userUrl("/role"), body: { role: "guest" } }),
  },
  {
    method: "POST",
    path: "/admin/users/{id}/deactivate",
    ok: 200,
    prepare: async () => ({ url: await userUrl("/deactivate") }),
  },
  {
    method: "POST",
    path: "/admin/users/{id}/reactivate",
    ok: 200,
    prepare: async () => ({ url: await userUrl("/reactivate", () => inState("deactivated")) }),
  },
  {
    method: "POST",
    path: "/admin/users/{id}/ban",
    ok: 200,
    prepare: async () => ({ url: await userUrl("/ban"), body: { reason: "spam" } }),
  },
  {
    method: "POST",
    path: "/admin/users/{id}/unban",
    ok: 200,
    prepare: async () => ({ url: await userUrl("/unban", () => inState("banned")) }),
  },
  {
    method: "POST",
    path: "/admin/users/{id}/sign-out",
    ok: 200,
    prepare: async () => ({ url: await userUrl("/sign-out") }),
  },
  {
    method: "POST",
    path: "/admin/users/{id}/reset-link",
    ok: 201,
    prepare: async () => ({ url: await userUrl("/reset-link") }),
  },
  {
    method: "GET",
    path: "/admin/users/{id}/messages",
    ok: 200,
    prepare: async () => ({ url: await userUrl("/messages") }),
  },
  {
    method: "GET",
    path: "/admin/users/{id}/channels",
    ok: 200,
    prepare: async () => ({ url: await userUrl("/channels") }),
  },
  {
    method: "GET",
    path: "/admin/users/{id}/sessions",
    ok: 200,
    prepare: async () => ({ url: await userUrl("/sessions") }),
  },
  {
    method: "DELETE",
    path: "/admin/users/{id}/sessions/{sessionId}",
    ok: 204,
    prepare: async () => {
      const { user, token } = await signedIn(app.services.db, "member");
      return { url: `/api/admin/users/${user.id}/sessions/${sessionIdOf(token)}` };
    },
  },
  {
    method: "POST",
    path: "/admin/users/bulk",
    ok: 200,
    prepare: async () => ({
      url: "/api/admin/users/bulk",
      body: { userIds: [(await member()).id], action: "sign-out" },
    }),
  },
  { method: "POST", path: "/admin/invites", ok: 201, prepare: async () => ({ url: "/api/admin/invites", body: {} }) },
  { method: "GET", path: "/admin/invites", ok: 200, prepare: async () => ({ url: "/api/admin/invites" }) },
  {
    method: "POST",
    path: "/admin/invites/{id}/revoke",
    ok: 200,
    prepare: async () => ({ url: `/api/admin/invites/${(await invite()).id}/revoke` }),
  },
  { method: "GET", path: "/admin/audit", ok: 200, prepare: async () => ({ url: "/api/admin/audit?limit=5" }) },
  { method: "GET", path: "/admin/audit/actions", ok: 200, prepare: async () => ({ url: "/api/admin/audit/actions" }) },
  {
    method: "GET",
    path: "/admin/audit/export.csv",
    ok: 200,
    prepare: async () => ({ url: "/api/admin/audit/export.csv?action=user.banned" }),
  },
  { method: "GET", path: "/admin/push", ok: 200, prepare: async () => ({ url: "/api/admin/push" }) },
  {
    method: "PUT",
    path: "/admin/push",
    ok: 200,
    prepare: async () => ({ url: "/api/admin/push", body: { previews: true } }),
  },
  { method: "GET", path: "/admin/push/stats", ok: 200, prepare: async () => ({ url: "/api/admin/push/stats" }) },
  { method: "GET", path: "/admin/stats", ok: 200, prepare: async () => ({ url: "/api/admin/stats" }) },
  { method: "GET", path: "/admin/settings", ok: 200, prepare: async () => ({ url: "/api/admin/settings" }) },
  {
    method: "PATCH",
    path: "/admin/settings",
    ok: 200,
    prepare: async () => {
      await workspaceRow();
      return { url: "/api/admin/settings", body: { guestsCanStartDms: true } };
    },
  },
  {
    method: "GET",
    path: "/admin/settings/retention",
    ok: 200,
    prepare: async () => ({ url: "/api/admin/settings/retention" }),
  },
  {
    method: "POST",
    path: "/admin/settings/retention/run",
    ok: 200,
    // A retention no message here is older than: a run that gets through deletes nothing.
    prepare: async () => {
      await app.services.db.workspace.updateMany({ data: { retentionDays: 36_500 } });
      await workspaceRow();
      return { url: "/api/admin/settings/retention/run" };
    },
  },
];

/** The workspace row a real start bootstraps; this test's database starts without one. */
async function workspaceRow() {
  if (!(await app.services.db.workspace.findFirst()))
    await app.services.db.workspace.create({ data: { name: "Parley", retentionDays: 36_500 } });
}

type Caller = Role | "anonymous" | "banned";
const callers: Caller[] = ["owner", "admin", "member", "guest", "anonymous", "banned"];

async function tokenFor(caller: Caller): Promise<string | undefined> {
  if (caller === "anonymous") return undefined;
  if (caller !== "banned") return (await signedIn(app.services.db, caller)).token;
  // A banned admin whose session survived (say, it was validated just before the ban committed).
  const { user, token } = await signedIn(app.services.db, "admin");
  await app.services.db.user.update({ where: { id: user.id }, data: { state: "banned", banReason: "abuse" } });
  return token;
}

function expected(caller: Caller, ok: number) {
  if (caller === "owner" || caller === "admin") return { status: ok };
  if (caller === "anonymous") return { status: 401, code: "unauthorized" };
  if (caller === "banned") return { status: 403, code: "banned" };
  return { status: 403, code: "forbidden" };
}

describe("admin authorization matrix", () => {
  it("covers every admin route in the OpenAPI document", async () => {
    const doc = (await app.call("GET", "/api/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      // Channel administration belongs to the channels work, which checks its own routes.
      .filter(([path]) => path.startsWith("/admin/") && !path.startsWith("/admin/channels"))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(cases.map((c) => `${c.method} ${c.path}`).sort());
  });

  for (const route of cases) {
    it(`${route.method} ${route.path}`, async () => {
      const seen: Record<string, unknown> = {};
      const want: Record<string, unknown> = {};
      for (const caller of callers) {
        const { url, body } = await route.prepare();
        const res = await app.call(route.method, url, { token: await tokenFor(caller), body });
        const exp = expected(caller, route.ok);
        want[caller] = exp;
        seen[caller] = exp.code ? { status: res.status, code: res.body?.error?.code } : { status: res.status };
      }
      expect(seen).toEqual(want);
    });
  }
});

describe("admin socket frames", () => {
  let realtime: ReturnType<typeof createRealtimeApp>;
  let server: Server;
  let url: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    realtime = createRealtimeApp(app.services);
    const port = await freePort();
    server = serve({ fetch: realtime.app.fetch, hostname: "127.0.0.1", port }) as Server;
    realtime.attach(server);
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await realtime?.drain(0);
    await new Promise((resolve) => server?.close(resolve));
  });

  const open = async (token: string) => {
    const socket = await TestSocket.connect(url, token);
    sockets.push(socket);
    return socket;
  };
  const adminFrames = clientRequestSchema.options
    .map((o) => o.shape.type.value as string)
    .filter((type) => type.startsWith("admin."));

  it("covers the admin frames of the protocol module", () => {
    expect(adminFrames).toEqual(["admin.subscribeOps", "admin.unsubscribeOps", "admin.replayDeadLetters"]);
  });

  for (const type of adminFrames) {
    it(`${type}: owners and admins only, as they are at this frame`, async () => {
      const seen: Record<string, unknown> = {};
      const want: Record<string, unknown> = {};
      for (const caller of callers.filter((c) => c !== "anonymous")) {
        const token = await tokenFor(caller);
        if (caller === "banned") {
          // A banned user gets no socket at all: the upgrade is refused before any frame.
          want[caller] = { refused: "upgrade refused: 403" };
          seen[caller] = await open(token as string).then(
            () => ({ refused: false }),
            (error: Error) => ({ refused: error.message }),
          );
          continue;
        }
        const socket = await open(token as string);
        const reply = await socket.request(type as "admin.subscribeOps");
        want[caller] =
          caller === "owner" || caller === "admin" ? { ok: true } : { ok: false, code: expected(caller, 200).code };
        seen[caller] = reply.ok ? { ok: true } : { ok: false, code: reply.error.code };
        // Refused: no live operations flow to this socket, whatever it asked.
        if (!reply.ok) expect(socket.frames.some((f) => f.type === "opsSample")).toBe(false);
        socket.close();
      }
      expect(seen).toEqual(want);
    });
  }

  it("a subscribed admin gets samples every interval; demoted, they stop at the next one", async () => {
    const { user, token } = await signedIn(app.services.db, "admin");
    const socket = await open(token);
    const subscribed = await socket.ok("admin.subscribeOps");
    expect(subscribed.snapshot.nodes.map((n) => n.nodeId)).toContain(app.services.config.NODE_ID);
    const samples = () => socket.frames.filter((f) => f.type === "opsSample").length;
    // Two intervals' worth of samples, with room for a loaded machine (the tick skips while one runs).
    await waitFor(() => samples() >= 2, "two opsSample frames", subscribed.intervalMs * 20);

    // Demoted without telling the socket (no control message): the per-send check alone must notice.
    await app.services.db.user.update({ where: { id: user.id }, data: { role: "member" } });
    // The tick in flight may still send one; after two more intervals nothing more may arrive.
    await new Promise((r) => setTimeout(r, subscribed.intervalMs * 3));
    const after = samples();
    await new Promise((r) => setTimeout(r, subscribed.intervalMs * 4));
    expect(samples()).toBe(after);
    expect(await socket.request("admin.subscribeOps")).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});
