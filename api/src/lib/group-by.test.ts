import { describe, expect, it } from "vitest";
import { groupBy } from "./group-by.js";

describe("groupBy", () => {
  it("groups picked values by key, keys in first-seen order and values in item order", () => {
    const rows = [
      { user: "b", channel: 1 },
      { user: "a", channel: 2 },
      { user: "b", channel: 3 },
    ];
    const groups = groupBy(
      rows,
      (r) => r.user,
      (r) => r.channel,
    );
    expect([...groups]).toEqual([
      ["b", [1, 3]],
      ["a", [2]],
    ]);
    expect(groupBy([], String, String).size).toBe(0);
  });
});
