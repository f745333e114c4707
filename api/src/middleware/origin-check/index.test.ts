import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { errorHandler } from "../error-handler/index.js";
import { originCheck } from "./index.js";

const ALLOWED = "https://chat.example.com";
const app = new Hono().use(originCheck([ALLOWED], "sid")).all("/", (c) => c.text("done"));
app.onError(errorHandler(console as never));

const send = async (method: string, headers: Record<string, string>) => {
  const res = await app.request("/", { method, headers: { "content-type": "application/json", ...headers } });
  return res.status === 200 ? "done" : ((await res.json()) as { error: { code: string } }).error.code;
};

describe("originCheck", () => {
  it("refuses a state-changing request from a foreign origin, JSON included, with or without a cookie", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(await send(method, { origin: "https://evil.example", cookie: "sid=1" })).toBe("bad_origin");
      expect(await send(method, { origin: "https://evil.example" })).toBe("bad_origin");
      expect(await send(method, { origin: "null", cookie: "sid=1" })).toBe("bad_origin");
    }
  });

  it("requires an Origin (or Sec-Fetch-Site: same-origin) when the session cookie authenticates", async () => {
    expect(await send("POST", { cookie: "sid=1" })).toBe("bad_origin");
    expect(await send("POST", { cookie: "sid=1", "sec-fetch-site": "cross-site" })).toBe("bad_origin");
    expect(await send("POST", { cookie: "sid=1", "sec-fetch-site": "same-origin" })).toBe("done");
    expect(await send("POST", { cookie: "sid=1", origin: ALLOWED })).toBe("done");
  });

  it("lets reads through, and bearer-token clients without an Origin", async () => {
    expect(await send("GET", { origin: "https://evil.example", cookie: "sid=1" })).toBe("done");
    expect(await send("POST", { authorization: "Bearer t" })).toBe("done");
    expect(await send("POST", { cookie: "other=1" })).toBe("done");
  });
});
