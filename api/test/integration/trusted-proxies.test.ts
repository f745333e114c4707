// X-Forwarded-For is believed only from TRUSTED_PROXIES. Two real API processes on loopback: one trusts no
// proxy (the default), one trusts loopback (as behind ops/nginx on the same host). Against the first, a
// client that writes a new X-Forwarded-For on every attempt still hits the per-IP sign-in limit, and its
// session and the audit log record the address it really connected from; against the second, the address
// the proxy appended is the client's, for the limit, the session and the audit log alike. (Before
// TRUSTED_PROXIES, any private-range peer's header was believed: the first node let all 40 attempts through.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_PER_IP } from "../../src/accounts/login.js";
import type { Running } from "../../src/start-services.js";
import { createUser } from "../support/fixtures.js";
import { ORIGIN } from "../support/http.js";
import { type ApiProcess, startApi } from "../support/processes.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let direct: ApiProcess;
let proxied: ApiProcess;

beforeAll(async () => {
  stack = await createTestStack({ redis: true });
  services = await stack.open();
  const env = { ...stack.env, PUBLIC_ORIGIN: ORIGIN };
  direct = await startApi({ ...env, NODE_ID: "direct" });
  proxied = await startApi({ ...env, NODE_ID: "proxied", TRUSTED_PROXIES: "loopback" });
}, 180_000);

afterAll(async () => {
  await Promise.all([direct, proxied].map((n) => n?.stop()));
  await stack?.cleanup();
});

async function post(node: ApiProcess, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${node.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
}

async function get(node: ApiProcess, path: string, token: string) {
  const res = await fetch(`${node.url}${path}`, { headers: { cookie: `parley_session=${token}` } });
  expect(res.status).toBe(200);
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
  return (await res.json()) as any;
}

/** Signs the first owner in through `node`, claiming to be `forwarded`; returns the session token. */
async function signInOwner(node: ApiProcess, forwarded: string) {
  const credentials = { email: stack.env.ADMIN_EMAIL, password: stack.env.ADMIN_PASSWORD };
  const res = await post(node, "/api/auth/login", credentials, { "x-forwarded-for": forwarded });
  expect(res.status).toBe(200);
  return /parley_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1] ?? "";
}

/** `n` failed sign-ins for unknown emails (so no per-account limit applies), each claiming `forwarded(i)`. */
async function failedSignIns(node: ApiProcess, n: number, forwarded: (i: number) => string) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const body = { email: `nobody-${i}-${crypto.randomUUID()}@parley.test`, password: "wrong-password" };
    statuses.push((await post(node, "/api/auth/login", body, { "x-forwarded-for": forwarded(i) })).status);
  }
  return statuses;
}

/** The newest audit entry of `action`, as the owner reads it. */
async function latestAudit(node: ApiProcess, token: string, action: string) {
  const { entries } = await get(node, `/api/admin/audit?action=${action}&limit=1`, token);
  return entries[0];
}

describe("TRUSTED_PROXIES", () => {
  it("unset: a forged X-Forwarded-For changes neither the rate limit nor what sessions and the audit log record", async () => {
    const token = await signInOwner(direct, "203.0.113.9");
    const { sessions } = await get(direct, "/api/me/sessions", token);
    expect(sessions.find((s: { current: boolean }) => s.current).ip).toBe("127.0.0.1");
    expect(await latestAudit(direct, token, "auth.login")).toMatchObject({ ip: "127.0.0.1" });

    // An admin action, too, is recorded with the address the request came from.
    const target = await createUser(services.db);
    const role = await fetch(`${direct.url}/api/admin/users/${target.id}/role`, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        origin: ORIGIN,
        cookie: `parley_session=${token}`,
        "x-forwarded-for": "198.51.100.66",
      },
      body: JSON.stringify({ role: "guest" }),
    });
    expect(role.status).toBe(200);
    expect(await latestAudit(direct, token, "user.role_changed")).toMatchObject({ ip: "127.0.0.1" });

    // The limit counts failures only (the sign-in above does not count): 30 wrong passwords, then 429.
    const statuses = await failedSignIns(direct, LOGIN_PER_IP.max + 10, (i) => `198.51.100.${i + 1}`);
    expect(statuses.slice(0, LOGIN_PER_IP.max)).toEqual(Array(LOGIN_PER_IP.max).fill(401));
    expect(statuses.slice(LOGIN_PER_IP.max)).toEqual(Array(10).fill(429));
  });

  it("loopback: the address the proxy appended is the client's, and one client's limit is not another's", async () => {
    const token = await signInOwner(proxied, "6.6.6.6, 203.0.113.9");
    const { sessions } = await get(proxied, "/api/me/sessions", token);
    expect(sessions.find((s: { current: boolean }) => s.current).ip).toBe("203.0.113.9");
    expect(await latestAudit(proxied, token, "auth.login")).toMatchObject({ ip: "203.0.113.9" });

    const limited = await failedSignIns(proxied, LOGIN_PER_IP.max + 1, () => "198.51.100.200");
    expect(limited.slice(0, LOGIN_PER_IP.max).every((s) => s === 401)).toBe(true);
    expect(limited.at(-1)).toBe(429);
    // A client the proxy saw at another address is not limited by that one.
    expect(await failedSignIns(proxied, 1, () => "198.51.100.201")).toEqual([401]);
  });
});
