import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("applies defaults for the embedded single-node start", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.KAFKA_BROKERS).toBeUndefined();
  });

  it("treats empty service variables as unset and splits broker lists", () => {
    const config = loadConfig({ DATABASE_URL: "", KAFKA_BROKERS: "a:9092, b:9093" });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.KAFKA_BROKERS).toEqual(["a:9092", "b:9093"]);
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://x/y"],
    ["REDIS_URL", "not a url"],
    ["KAFKA_BROKERS", "localhost"],
    ["LOG_LEVEL", "loud"],
    ["ADMIN_PASSWORD", "short"],
  ])("rejects %s=%s with one line naming the variable", (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`Invalid environment variable ${name}=${JSON.stringify(value)}`);
    expect(message).not.toContain("\n");
  });
});
