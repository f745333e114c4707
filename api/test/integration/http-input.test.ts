// Hostile and broken input over HTTP: malformed JSON, wrong types, unknown fields, oversize bodies, bad
// ids — each a precise error in the one error shape, changing nothing. SQL and HTML in text fields are
// data: stored verbatim and returned verbatim.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Running } from "../../src/start-services.js";
import { httpClient, signedIn } from "../support/http.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let services: Running;
let call: ReturnType<typeof httpClient>;
let token: string;

beforeAll(async () => {
  stack = await createTestStack({ redis: true });
  services = await stack.open();
  call = httpClient(services);
  token = (await signedIn(services.db, "admin")).token;
});

afterAll(async () => {
  await stack?.cleanup();
});

const userCount = () => services.db.user.count();

describe("bad input", () => {
  it("answers malformed JSON with 400 in the error shape", async () => {
    const before = await userCount();
    for (const raw of ['{"email": ', "not json", "{'email': 'a@b.c'}"]) {
      const res = await call("POST", "/api/admin/users", { token, raw });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: "bad_request", message: "Malformed JSON in request body" } });
    }
    expect(await userCount()).toBe(before);
  });

  it("lists every zod issue for wrong types and missing fields", async () => {
    const res = await call("POST", "/api/admin/users", { token, body: { email: 42, role: "emperor" } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
    const paths = res.body.error.details.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(["displayName", "email", "role"]);
    for (const issue of res.body.error.details.issues)
      expect(issue).toEqual({ path: expect.any(String), code: expect.any(String), message: expect.any(String) });
    expect((await call("POST", "/api/admin/users", { token, body: [1, 2] })).status).toBe(400);
    expect((await call("POST", "/api/admin/users", { token, body: null })).status).toBe(400);
    expect((await call("POST", "/api/admin/users", { token })).status).toBe(400);
    const login = await call("POST", "/api/auth/login", { body: { email: "not-an-email", password: "" } });
    expect(login.status).toBe(400);
  });

  it("rejects unknown fields instead of ignoring them", async () => {
    const before = await userCount();
    const res = await call("POST", "/api/admin/users", {
      token,
      body: { email: "unknown-field@parley.test", displayName: "U", passwordHash: "x", isAdmin: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", message: expect.stringContaining("passwordHash") }),
    ]);
    expect(await userCount()).toBe(before);
    const login = await call("POST", "/api/auth/login", {
      body: { email: "a@parley.test", password: "p", remember: true },
    });
    expect(login.status).toBe(400);
  });

  it("answers an oversize body with 413 before reading it", async () => {
    const res = await call("POST", "/api/admin/users", {
      token,
      body: { email: "big@parley.test", displayName: "x".repeat(70 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("too_large");
    const anonymous = await call("POST", "/api/auth/login", { raw: `{"email":"${"a".repeat(100_000)}"}` });
    expect(anonymous.status).toBe(413);
  });

  it("answers bad ids, queries and media types with 400/415 in the error shape", async () => {
    const badId = await call("GET", "/api/admin/users/not-a-uuid", { token });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.issues[0].path).toBe("id");
    const limit = await call("GET", "/api/admin/users?limit=100000", { token });
    expect(limit.status).toBe(400);
    const text = await call("POST", "/api/admin/users", {
      token,
      raw: '{"email":"t@parley.test","displayName":"T"}',
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe("http_error");
  });

  it("refuses a cookie-authenticated form post from another site (CSRF)", async () => {
    const res = await call("POST", "/api/admin/users/00000000-0000-0000-0000-000000000000/sign-out", {
      token,
      raw: "reason=x",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
  });
});

describe("hostile text is data", () => {
  const payloads = [
    `Robert'); DROP TABLE "User"; --`,
    `<script>alert("x")</script>`,
    `<img src=x onerror=alert(1)>`,
    `' OR 1=1 --`,
    "%_\\",
  ];

  it("stores and returns SQL and HTML verbatim, and searches by them safely", async () => {
    for (const [i, name] of payloads.entries()) {
      const created = await call("POST", "/api/admin/users", {
        token,
        body: { email: `hostile-${i}@parley.test`, displayName: name },
      });
      expect(created.status).toBe(201);
      expect(created.body.user.displayName).toBe(name);
      const got = await call("GET", `/api/admin/users/${created.body.user.id}`, { token });
      expect(got.body.user.displayName).toBe(name);
      const found = await call("GET", `/api/admin/users?q=${encodeURIComponent(name)}`, { token });
      expect(found.status).toBe(200);
      expect(found.body.users.map((u: { displayName: string }) => u.displayName)).toEqual([name]);
      const ban = await call("POST", `/api/admin/users/${created.body.user.id}/ban`, { token, body: { reason: name } });
      expect(ban.body.user.banReason).toBe(name);
    }
    expect(await services.db.user.count({ where: { email: { startsWith: "hostile-" } } })).toBe(payloads.length);
    const me = await signedIn(services.db, "member");
    const edited = await call("PATCH", "/api/me", { token: me.token, body: { statusText: payloads[1] } });
    expect(edited.body.user.statusText).toBe(payloads[1]);
    expect(edited.headers.get("content-type")).toMatch(/^application\/json/);
  });
});
