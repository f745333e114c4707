// Every admin route × every kind of caller: owners and admins succeed, members and guests get 403,
// anonymous callers 401, banned users 403 `banned`. The route list is checked against /api/openapi.json
// so a new admin route cannot skip this matrix.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { createUser } from "../support/fixtures.js";
import { httpClient, type Role, signedIn } from "../support/http.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let call: ReturnType<typeof httpClient>;

beforeAll(async () => {
  stack = await createTestStack({ redis: true });
  services = await stack.open();
  call = httpClient(services);
});

afterAll(async () => {
  await stack?.cleanup();
});

interface Case {
  method: string;
  /** OpenAPI path under /api, as the document spells it. */
  path: string;
  ok: number;
  /** A fresh request each time: actions change their target, so every caller gets a new one. */
  prepare(): Promise<{ url: string; body?: unknown }>;
}

const member = () => createUser(services.db);
const inState = async (state: "deactivated" | "banned") => {
  const user = await member();
  return services.db.user.update({
    where: { id: user.id },
    data: { state, banReason: state === "banned" ? "x" : null },
  });
};
const invite = async () => {
  const owner = await createUser(services.db, { role: "owner" });
  return services.db.invite.create({
    data: { tokenHash: randomUUID(), expiresAt: new Date(Date.now() + 60_000), createdById: owner.id },
  });
};
const userUrl = async (suffix = "", make = member) => `/api/admin/users/${(await make()).id}${suffix}`;

const cases: Case[] = [
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
  { method: "POST", path: "/admin/invites", ok: 201, prepare: async () => ({ url: "/api/admin/invites", body: {} }) },
  { method: "GET", path: "/admin/invites", ok: 200, prepare: async () => ({ url: "/api/admin/invites" }) },
  {
    method: "POST",
    path: "/admin/invites/{id}/revoke",
    ok: 200,
    prepare: async () => ({ url: `/api/admin/invites/${(await invite()).id}/revoke` }),
  },
  { method: "GET", path: "/admin/audit", ok: 200, prepare: async () => ({ url: "/api/admin/audit?limit=5" }) },
  { method: "GET", path: "/admin/stats", ok: 200, prepare: async () => ({ url: "/api/admin/stats" }) },
];

type Caller = Role | "anonymous" | "banned";
const callers: Caller[] = ["owner", "admin", "member", "guest", "anonymous", "banned"];

async function tokenFor(caller: Caller): Promise<string | undefined> {
  if (caller === "anonymous") return undefined;
  if (caller !== "banned") return (await signedIn(services.db, caller)).token;
  // A banned admin whose session survived (say, it was validated just before the ban committed).
  const { user, token } = await signedIn(services.db, "admin");
  await services.db.user.update({ where: { id: user.id }, data: { state: "banned", banReason: "abuse" } });
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
    const doc = (await call("GET", "/api/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
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
        const res = await call(route.method, url, { token: await tokenFor(caller), body });
        const exp = expected(caller, route.ok);
        want[caller] = exp;
        seen[caller] = exp.code ? { status: res.status, code: res.body?.error?.code } : { status: res.status };
      }
      expect(seen).toEqual(want);
    });
  }
});
