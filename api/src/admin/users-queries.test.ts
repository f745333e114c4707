import { describe, expect, it } from "vitest";
import { prefixPattern } from "./users-queries.js";

describe("prefixPattern", () => {
  it("lower-cases and escapes LIKE's wildcards and its escape character", () => {
    expect(prefixPattern("Ann")).toBe("ann%");
    expect(prefixPattern("100%_x")).toBe("100\\%\\_x%");
    expect(prefixPattern("a\\b")).toBe("a\\\\b%");
  });
});
