import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { callEventId } from "./event-ids.js";

describe("callEventId", () => {
  test("one id per call and kind, the same on every node, and a valid UUID", () => {
    const callId = randomUUID();
    expect(callEventId(callId, "ended")).toBe(callEventId(callId, "ended"));
    expect(callEventId(callId, "ended")).not.toBe(callEventId(callId, "started"));
    expect(callEventId(callId, "ended")).not.toBe(callEventId(randomUUID(), "ended"));
    expect(z.uuid().safeParse(callEventId(callId, "started")).success).toBe(true);
  });
});
