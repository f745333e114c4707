import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clientAddress, clientIp, isTrustedProxyEntry, resolveClientIp, trustedProxies } from "./client-ip.js";

const appTrusting = (entries: string[]) =>
  new Hono().use(clientAddress(entries)).get("/", (c) => c.text(clientIp(c) ?? "none"));

const ip = async (entries: string[], headers: Record<string, string>, incoming?: string) => {
  const env = incoming ? { incoming: { socket: { remoteAddress: incoming } } } : undefined;
  return (await appTrusting(entries).request("/", { headers }, env)).text();
};

describe("clientIp", () => {
  it("ignores X-Forwarded-For when no proxy is trusted, even from loopback or a private network", async () => {
    expect(await ip([], { "x-forwarded-for": "203.0.113.5" }, "127.0.0.1")).toBe("127.0.0.1");
    expect(await ip([], { "x-forwarded-for": "203.0.113.5" }, "::ffff:10.1.2.3")).toBe("10.1.2.3");
  });

  it("believes the entry a trusted proxy appended, not what the client wrote before it", async () => {
    const forged = { "x-forwarded-for": "1.1.1.1, 203.0.113.5" };
    expect(await ip(["127.0.0.1"], forged, "127.0.0.1")).toBe("203.0.113.5");
    expect(await ip(["loopback"], forged, "::1")).toBe("203.0.113.5");
    expect(await ip(["10.0.0.0/8"], { "x-forwarded-for": "203.0.113.5" }, "::ffff:10.1.2.3")).toBe("203.0.113.5");
  });

  it("ignores X-Forwarded-For from a peer outside TRUSTED_PROXIES", async () => {
    expect(await ip(["10.0.0.0/8"], { "x-forwarded-for": "10.0.0.1" }, "198.51.100.9")).toBe("198.51.100.9");
    expect(await ip(["10.0.0.0/8"], { "x-forwarded-for": "10.0.0.1" }, "192.168.1.1")).toBe("192.168.1.1");
  });

  it("uses the peer without the header, and nothing without a connection", async () => {
    expect(await ip(["loopback"], {}, "::ffff:198.51.100.9")).toBe("198.51.100.9");
    expect(await ip(["loopback"], { "x-forwarded-for": "203.0.113.5" })).toBe("none");
  });
});

describe("resolveClientIp through a chain of proxies", () => {
  const trusted = trustedProxies(["10.0.0.0/8", "2001:db8::/32"]);
  it("skips every trusted hop from the right", () => {
    expect(resolveClientIp("10.0.0.2", "198.51.100.7, 10.0.0.9, 10.0.0.1", trusted)).toBe("198.51.100.7");
    // Every hop trusted: the first one is the client (a proxy sent the request itself).
    expect(resolveClientIp("10.0.0.2", "10.0.0.9, 10.0.0.1", trusted)).toBe("10.0.0.9");
    expect(resolveClientIp("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1", trusted)).toBe("198.51.100.7");
    expect(resolveClientIp("2001:db8::1", "2001:db9::5", trusted)).toBe("2001:db9::5");
  });

  it("stops at what is not an address: the hop that forwarded it is the client", () => {
    expect(resolveClientIp("10.0.0.2", "evil, 10.0.0.1", trusted)).toBe("10.0.0.1");
    expect(resolveClientIp("10.0.0.2", "", trusted)).toBe("10.0.0.2");
  });
});

describe("TRUSTED_PROXIES entries", () => {
  it("takes addresses, CIDRs and named ranges, and refuses anything else", () => {
    for (const good of ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "loopback", "uniquelocal", "linklocal"])
      expect(isTrustedProxyEntry(good), good).toBe(true);
    for (const bad of ["10.0.0.0/33", "::/129", "10.0.0/8", "example.com", "10.0.0.0/8/1", "*", "1.2.3.4/"])
      expect(isTrustedProxyEntry(bad), bad).toBe(false);
  });
});
