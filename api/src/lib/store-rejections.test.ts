import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { storeRejectionHandler } from "./store-rejections.js";

describe("storeRejectionHandler", () => {
  const logged: string[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => logged.push(line) });
  const handle = storeRejectionHandler(logger);

  it("logs a store failure nobody awaited (Prisma's rollback of a timed-out transaction) and carries on", () => {
    expect(() => handle(new Error("Query read timeout"))).not.toThrow();
    expect(logged.join("")).toContain("Query read timeout");
  });

  it("throws anything else again, so the process still ends on it", () => {
    const bug = new TypeError("x is undefined");
    expect(() => handle(bug)).toThrow(bug);
    expect(() => handle("not even an error")).toThrow();
  });
});
