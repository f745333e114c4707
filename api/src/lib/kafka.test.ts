import pino from "pino";
import { describe, expect, it } from "vitest";
import { createKafka } from "./kafka.js";

describe("createKafka's log", () => {
  it("logs a line kafkajs repeats once per window, and other lines as they come", () => {
    const lines: { level: number; msg: string; heldBack?: number }[] = [];
    const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    // No broker is contacted: only the client's logger is used.
    const kafka = createKafka({ brokers: ["127.0.0.1:9"], clientId: "log-test" }, log);
    const consumerLog = kafka.logger().namespace("Runner");
    for (let i = 0; i < 5; i++) consumerLog.error("Error when calling eachBatch", { partition: 0 });
    consumerLog.warn("The group is rebalancing, re-joining", {});
    kafka.logger().namespace("Connection").error("Error when calling eachBatch", {}); // another namespace
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, "Error when calling eachBatch"],
      [40, "The group is rebalancing, re-joining"],
      [50, "Error when calling eachBatch"],
    ]);
    expect(lines.some((l) => l.heldBack)).toBe(false);
  });
});
