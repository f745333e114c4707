import { describe, expect, it } from "vitest";
import { checkUserText, findUnstorableText, isStorableText, userText } from "./user-text.js";

const refused = (raw: string, ...args: Parameters<typeof checkUserText> extends [string, ...infer R] ? R : never) => {
  const verdict = checkUserText(raw, ...args);
  return verdict.ok ? null : verdict.problem;
};

describe("the user text policy", () => {
  it("refuses lone surrogates and NUL in every kind of text", () => {
    for (const kind of ["line", "multiline", "name", "token", "secret"] as const) {
      expect(refused("a\ud800b", kind, { max: 10 }), kind).toMatch(/well-formed Unicode/);
      expect(refused("a\udc00", kind, { max: 10 }), kind).toMatch(/well-formed Unicode/);
      expect(refused("a\u0000b", kind, { max: 10 }), kind).toMatch(/U\+0000/);
    }
    expect(checkUserText("😀", "token", { max: 10 })).toEqual({ ok: true, value: "😀" });
  });

  it("allows tab and line feed in multi-line text only, and turns CR LF into LF", () => {
    expect(checkUserText("a\tb\r\nc\rd", "multiline", { max: 20 })).toEqual({ ok: true, value: "a\tb\nc\nd" });
    for (const control of ["\u0007", "\u001b", "\u007f", "\u0085", "\u009b"]) {
      expect(refused(`a${control}b`, "multiline", { max: 20 })).toMatch(/other than tab and line feed/);
      expect(refused(`a${control}b`, "line", { max: 20 })).toMatch(/control characters \(found U\+/);
    }
    expect(refused("a\nb", "line", { max: 20 })).toMatch(/U\+000A/);
    expect(refused("a\tb", "token", { max: 20 })).toMatch(/U\+0009/);
    expect(checkUserText("pass\tword\u0007", "secret", { max: 20 })).toMatchObject({ ok: true });
  });

  it("normalizes to NFC and trims words, but keeps tokens and secrets as sent", () => {
    const decomposed = "Zoe\u0308 ";
    expect(checkUserText(decomposed, "line", { max: 10 })).toEqual({ ok: true, value: "Zoë" });
    expect(checkUserText(decomposed, "name", { max: 10 })).toEqual({ ok: true, value: "Zoë" });
    expect(checkUserText(decomposed, "token", { max: 10 })).toEqual({ ok: true, value: decomposed });
    expect(checkUserText(decomposed, "secret", { max: 10 })).toEqual({ ok: true, value: decomposed });
  });

  it("refuses invisible and direction-changing characters in names, but not the glue inside an emoji", () => {
    for (const sneaky of ["\u202e", "\u2066", "\u200f", "\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u3164"]) {
      expect(refused(`ad${sneaky}min`, "name", { max: 20 }), sneaky).toMatch(/invisible or direction-changing/);
      expect(checkUserText(`ad${sneaky}min`, "line", { max: 20 }).ok, sneaky).toBe(true);
    }
    for (const emoji of ["👨‍👩‍👧", "❤️", "👩🏽‍💻", "❤️‍🔥", "Ann 🏳️‍🌈"]) {
      expect(checkUserText(emoji, "name", { max: 20 }), emoji).toEqual({ ok: true, value: emoji });
    }
  });

  it("counts code points after normalizing and trimming", () => {
    expect(checkUserText("😀".repeat(4), "line", { max: 4 })).toMatchObject({ ok: true });
    expect(refused("😀".repeat(5), "line", { max: 4 })).toBe("must be at most 4 characters");
    expect(checkUserText(`  ${"e\u0301".repeat(4)}  `, "line", { max: 4 })).toEqual({ ok: true, value: "é".repeat(4) });
    expect(refused("   ", "line", { min: 1, max: 4 })).toBe("must not be empty");
    expect(refused("ab", "token", { min: 3, max: 4 })).toBe("must be at least 3 characters");
  });

  it("is a zod schema whose issue says what is wrong", () => {
    const schema = userText("line", { min: 1, max: 5 });
    expect(schema.parse(" hi ")).toBe("hi");
    const result = schema.safeParse("a\u0000");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: "custom", message: expect.stringMatching(/U\+0000/) });
    expect(schema.safeParse(42).success).toBe(false);
  });

  it("finds what PostgreSQL could not store anywhere in a JSON value, keys included", () => {
    expect(isStorableText("fine ✓")).toBe(true);
    expect(findUnstorableText({ a: [1, "ok", { b: "x\u0000" }] })).toEqual({
      path: "a.2.b",
      problem: "must not contain NUL (U+0000)",
    });
    expect(findUnstorableText({ "k\ud800": 1 })?.problem).toMatch(/its name must be well-formed/);
    expect(findUnstorableText({ a: ["\t", null, true, 3] })).toBeNull();
  });
});
