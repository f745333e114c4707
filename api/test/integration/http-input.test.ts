// Hostile and broken input over HTTP: malformed JSON, wrong types, unknown fields, oversize bodies, bad
// ids — each a precise error in the one error shape, changing nothing. SQL and HTML in text fields are
// data: stored verbatim and returned verbatim.
import { describe, expect, it } from "vitest";
import { signedIn } from "../support/http.js";
import { inProcessApp } from "../support/in-process-app.js";

let token: string;

const app = inProcessApp(async ({ services }) => {
  token = (await signedIn(services.db, "admin")).token;
});

const userCount = () => app.services.db.user.count();

describe("bad input", () => {
  it("answers malformed JSON with 400 in the error shape", async () => {
    const before = await userCount();
    for (const raw of ['{"email": ', "not json", "{'email': 'a@b.c'}"]) {
      const res = await app.call("POST", "/api/admin/users", { token, raw });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: "bad_request", message: "Malformed JSON in request body" } });
    }
    expect(await userCount()).toBe(before);
  });

  it("lists every zod issue for wrong types and missing fields", async () => {
    const res = await app.call("POST", "/api/admin/users", { token, body: { email: 42, role: "emperor" } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
    const paths = res.body.error.details.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(["displayName", "email", "role"]);
    for (const issue of res.body.error.details.issues)
      expect(issue).toEqual({ path: expect.any(String), code: expect.any(String), message: expect.any(String) });
    expect((await app.call("POST", "/api/admin/users", { token, body: [1, 2] })).status).toBe(400);
    expect((await app.call("POST", "/api/admin/users", { token, body: null })).status).toBe(400);
    expect((await app.call("POST", "/api/admin/users", { token })).status).toBe(400);
    const login = await app.call("POST", "/api/auth/login", { body: { email: "not-an-email", password: "" } });
    expect(login.status).toBe(400);
  });

  it("rejects unknown fields instead of ignoring them", async () => {
    const before = await userCount();
    const res = await app.call("POST", "/api/admin/users", {
      token,
      body: { email: "unknown-field@parley.test", displayName: "U", passwordHash: "x", isAdmin: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({ code: "unrecognized_keys", message: expect.stringContaining("passwordHash") }),
    ]);
    expect(await userCount()).toBe(before);
    const login = await app.call("POST", "/api/auth/login", {
      body: { email: "a@parley.test", password: "p", remember: true },
    });
    expect(login.status).toBe(400);
  });

  it("answers an oversize body with 413 before reading it", async () => {
    const res = await app.call("POST", "/api/admin/users", {
      token,
      body: { email: "big@parley.test", displayName: "x".repeat(70 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("too_large");
    const anonymous = await app.call("POST", "/api/auth/login", { raw: `{"email":"${"a".repeat(100_000)}"}` });
    expect(anonymous.status).toBe(413);
  });

  it("answers bad ids, queries and media types with 400/415 in the error shape", async () => {
    const badId = await app.call("GET", "/api/admin/users/not-a-uuid", { token });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.issues[0].path).toBe("id");
    const limit = await app.call("GET", "/api/admin/users?limit=100000", { token });
    expect(limit.status).toBe(400);
    const text = await app.call("POST", "/api/admin/users", {
      token,
      raw: '{"email":"t@parley.test","displayName":"T"}',
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe("http_error");
  });

  it("refuses a cookie-authenticated form post from another site (CSRF)", async () => {
    const res = await app.call("POST", "/api/admin/users/00000000-0000-0000-0000-000000000000/sign-out", {
      token,
      raw: "reason=x",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
  });

  it("refuses a cookie-authenticated JSON mutation from another site, or with no Origin, changing nothing", async () => {
    const patch = (headers: Record<string, string>) =>
      app.call("PATCH", "/api/me", { token, body: { statusText: "pwned" }, headers });
    const foreign = await patch({ origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe("bad_origin");
    const unnamed = await app.call("PATCH", "/api/me", {
      token,
      body: { statusText: "pwned" },
      headers: { origin: "" },
    });
    expect(unnamed.status).toBe(403);
    expect((await app.call("GET", "/api/me", { token })).body.user.statusText).not.toBe("pwned");
    // Our own pages' requests still work.
    expect((await patch({})).status).toBe(200);
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
      const created = await app.call("POST", "/api/admin/users", {
        token,
        body: { email: `hostile-${i}@parley.test`, displayName: name },
      });
      expect(created.status).toBe(201);
      expect(created.body.user.displayName).toBe(name);
      const got = await app.call("GET", `/api/admin/users/${created.body.user.id}`, { token });
      expect(got.body.user.displayName).toBe(name);
      const found = await app.call("GET", `/api/admin/users?q=${encodeURIComponent(name)}`, { token });
      expect(found.status).toBe(200);
      expect(found.body.users.map((u: { displayName: string }) => u.displayName)).toEqual([name]);
      const ban = await app.call("POST", `/api/admin/users/${created.body.user.id}/ban`, {
        token,
        body: { reason: name },
      });
      expect(ban.body.user.banReason).toBe(name);
    }
    expect(await app.services.db.user.count({ where: { email: { startsWith: "hostile-" } } })).toBe(payloads.length);
    const me = await signedIn(app.services.db, "member");
    const edited = await app.call("PATCH", "/api/me", { token: me.token, body: { statusText: payloads[1] } });
    expect(edited.body.user.statusText).toBe(payloads[1]);
    expect(edited.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

// Issue #11 item 1: text the store cannot hold (NUL, lone surrogates) or that the policy refuses (stray
// controls, invisible characters in names) is a typed 400 at the edge, in bodies and query strings alike,
// never a 500 later, and changes nothing.
describe("text the store cannot hold", () => {
  const poison = { nul: "a\u0000b", surrogate: "a\ud800b", bell: "a\u0007b" };
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const refusedWith = (res: { status: number; body: { error: { code: string } } }, code = "invalid_request") => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe(code);
  };

  it("refuses it in every body field, naming the field, and stores nothing", async () => {
    const me = await signedIn(app.services.db, "member", { name: "Plain Name" });
    for (const [what, text] of Object.entries(poison)) {
      for (const body of [{ statusText: text }, { displayName: text }, { avatarUrl: `https://example.com/${text}` }]) {
        const res = await app.call("PATCH", "/api/me", { token: me.token, body });
        refusedWith(res);
        expect(res.body.error.details.issues[0].path, what).toBe(Object.keys(body)[0]);
      }
      refusedWith(
        await app.call("POST", "/api/admin/users", { token, body: { email: `p@x.test`, displayName: text } }),
      );
      refusedWith(
        await app.call("POST", "/api/channels", { token, body: { kind: "public", name: "poison", topic: text } }),
      );
      refusedWith(await app.call("POST", "/api/auth/login", { body: { email: "a@b.test", password: "x\u0000" } }));
    }
    const after = await app.services.db.user.findUniqueOrThrow({ where: { id: me.user.id } });
    expect([after.displayName, after.statusText, after.avatarUrl]).toEqual(["Plain Name", null, null]);
    expect(await app.services.db.channel.count({ where: { name: "poison" } })).toBe(0);
  });

  it("refuses it in search queries and cursors with a 400, never a 500", async () => {
    const me = await signedIn(app.services.db, "member");
    // A query string cannot carry a lone surrogate: invalid UTF-8 such as %ED%A0%80 stays literal text.
    const literal = await app.call("GET", "/api/search?q=%ED%A0%80", { token: me.token });
    expect(literal.status).toBe(200);
    for (const text of [poison.nul, poison.bell]) {
      const q = encodeURIComponent(text);
      refusedWith(await app.call("GET", `/api/search?q=${q}`, { token: me.token }));
      refusedWith(await app.call("GET", `/api/admin/users?q=${q}`, { token }));
      refusedWith(await app.call("GET", `/api/channels/browse?q=${q}`, { token: me.token }));
      refusedWith(await app.call("GET", `/api/admin/channels?q=${q}`, { token }));
      refusedWith(await app.call("GET", `/api/channels/browse?cursor=${q}`, { token: me.token }));
    }
    // Cursors that decode to such text are not cursors this API gave out.
    for (const text of [poison.nul, poison.surrogate]) {
      refusedWith(
        await app.call("GET", `/api/channels/browse?cursor=${cursorOf([text])}`, { token: me.token }),
        "invalid_cursor",
      );
      refusedWith(
        await app.call("GET", `/api/admin/users?sort=name&cursor=${cursorOf(["name", "asc", text, me.user.id])}`, {
          token,
        }),
        "invalid_cursor",
      );
    }
  });

  it("refuses direction overrides and invisible characters in display names, and stores names as NFC", async () => {
    const me = await signedIn(app.services.db, "member");
    for (const sneaky of ["adm\u202Eni", "ad\u200Bmin", "\u2066admin\u2069"]) {
      const res = await app.call("PATCH", "/api/me", { token: me.token, body: { displayName: sneaky } });
      refusedWith(res);
      expect(res.body.error.details.issues[0].message).toMatch(/invisible or direction-changing/);
    }
    const nfc = await app.call("PATCH", "/api/me", { token: me.token, body: { displayName: " Zoe\u0308 👩🏽‍💻 " } });
    expect(nfc.body.user.displayName).toBe("Zoë 👩🏽‍💻");
  });
});
