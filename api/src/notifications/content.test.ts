import { expect, it } from "vitest";
import { bodyOf, clip, HIDDEN_PREVIEW, readableText, tagOf, titleOf } from "./content.js";

it("titles a channel by its name, a DM by the sender, a group DM by its other members", () => {
  expect(titleOf({ kind: "public", name: "general" }, "Ann")).toBe("#general");
  expect(titleOf({ kind: "private", name: "ops" }, "Ann")).toBe("#ops");
  expect(titleOf({ kind: "dm", name: null }, "Ann")).toBe("Ann");
  expect(titleOf({ kind: "group", name: null }, "Ann", ["Ann", "Bo"])).toBe("Ann, Bo");
});

it("shows the sender and the first 100 characters, or only 'New message' without previews", () => {
  const long = `${"a".repeat(99)}😀tail`;
  expect(clip(long)).toBe(`${"a".repeat(99)}😀…`);
  expect(clip("short")).toBe("short");
  expect(bodyOf("Ann", "hello there", true)).toBe("Ann: hello there");
  expect(bodyOf("Ann", long, true)).toBe(`Ann: ${"a".repeat(99)}😀…`);
  expect(bodyOf("Ann", "hello there", false)).toBe(HIDDEN_PREVIEW);
});

it("writes mentions as people read them", () => {
  const id = "0b9d6d0e-4a34-4c55-9d55-3c2a1f0e7a11";
  expect(readableText(`hi <@${id}>, and <@${id.replace("0b", "ff")}>`, new Map([[id, "Bo"]]))).toBe(
    "hi @Bo, and @someone",
  );
});

it("collapses a channel's notifications under a 32-character key", () => {
  expect(tagOf("0b9d6d0e-4a34-4c55-9d55-3c2a1f0e7a11")).toBe("0b9d6d0e4a344c559d553c2a1f0e7a11");
});
