import { describe, expect, test } from "vitest";
import { loadConfig } from "./config.js";

const secret = "0123456789abcdef";

describe("loadConfig", () => {
  test("defaults: 25 per call, loopback media, UDP and TCP", () => {
    const c = loadConfig({ SFU_SECRET: secret });
    expect(c).toMatchObject({
      SFU_MAX_PEERS_PER_CALL: 25,
      SFU_LISTEN_IP: "127.0.0.1",
      SFU_ENABLE_UDP: true,
      SFU_ENABLE_TCP: true,
    });
    expect(c.SFU_WORKERS).toBeGreaterThanOrEqual(1);
  });

  test("a short secret is refused without echoing it", () => {
    expect(() => loadConfig({ SFU_SECRET: "short" })).toThrow(/^Invalid environment variable SFU_SECRET: at least 16/);
    expect(() => loadConfig({ SFU_SECRET: "short" })).not.toThrow(/"short"/);
  });

  test("a wildcard listen address needs the address to announce", () => {
    expect(() => loadConfig({ SFU_SECRET: secret, SFU_LISTEN_IP: "0.0.0.0" })).toThrow(/SFU_ANNOUNCED_IP/);
    expect(
      loadConfig({ SFU_SECRET: secret, SFU_LISTEN_IP: "0.0.0.0", SFU_ANNOUNCED_IP: "203.0.113.7" }).SFU_ANNOUNCED_IP,
    ).toBe("203.0.113.7");
  });

  test("media ports, flags and numbers are checked", () => {
    expect(loadConfig({ SFU_SECRET: secret }).SFU_RTC_PORT).toBe(40000);
    expect(() => loadConfig({ SFU_SECRET: secret, SFU_RTC_PORT: "65535", SFU_WORKERS: "2" })).toThrow(
      /SFU_RTC_PORT="65535": plus SFU_WORKERS - 1/,
    );
    expect(() => loadConfig({ SFU_SECRET: secret, SFU_ENABLE_UDP: "no", SFU_ENABLE_TCP: "no" })).toThrow(
      /SFU_ENABLE_UDP/,
    );
    expect(() => loadConfig({ SFU_SECRET: secret, SFU_MAX_PEERS_PER_CALL: "lots" })).toThrow(
      /SFU_MAX_PEERS_PER_CALL="lots"/,
    );
    expect(loadConfig({ SFU_SECRET: secret, SFU_ENABLE_TCP: "off" }).SFU_ENABLE_TCP).toBe(false);
  });
});
