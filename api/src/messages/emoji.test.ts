import { describe, expect, it } from "vitest";
import { isValidEmoji } from "./emoji.js";

describe("isValidEmoji", () => {
  it.each(["👍", "👍🏽", "❤️", "👨‍👩‍👧", "🇫🇷", ":party_parrot:", ":+1:"])("accepts %s", (e) => {
    expect(isValidEmoji(e)).toBe(true);
  });
  it.each(["a", "👍 ", "<b>", ":no spaces:", "👍👍x", "", ":UPPER:"])("rejects %j", (e) => {
    expect(isValidEmoji(e)).toBe(false);
  });
});
