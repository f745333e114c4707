import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip.js";

const app = new Hono().get("/", (c) => c.text(clientIp(c) ?? "none"));
const ip = async (headers: Record<string, string>, incoming?: string) => {
  const env = incoming ? { incoming: { socket: { remoteAddress: incoming } } } : undefined;
  return (await app.request("/", { headers }, env)).text();
};

describe("clientIp", () => {
  it("believes the last X-Forwarded-For entry from a local or private proxy", async () => {
    expect(await ip({ "x-forwarded-for": "1.1.1.1, 203.0.113.5" }, "127.0.0.1")).toBe("203.0.113.5");
    expect(await ip({ "x-forwarded-for": "203.0.113.5" }, "::ffff:10.1.2.3")).toBe("203.0.113.5");
  });

  it("ignores X-Forwarded-For from a public peer, who could have written it", async () => {
    expect(await ip({ "x-forwarded-for": "10.0.0.1" }, "198.51.100.9")).toBe("198.51.100.9");
  });

  it("uses the peer without the header", async () => {
    expect(await ip({}, "::ffff:198.51.100.9")).toBe("198.51.100.9");
    expect(await ip({})).toBe("none");
  });
});
