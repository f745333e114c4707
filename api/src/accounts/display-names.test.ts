import { describe, expect, it } from "vitest";
import { checkUserText } from "../lib/user-text.js";
import { looksLike } from "./display-names.js";

describe("display name skeletons", () => {
  it("make Cyrillic, Greek, fullwidth and mathematical look-alikes of Latin names equal", () => {
    expect(looksLike("Alice Martin", "Аlice Martin")).toBe(true); // Cyrillic А
    expect(looksLike("Bob Stone", "Bоb Stоne")).toBe(true); // Cyrillic о
    expect(looksLike("OPAL", "ΟΡΑL")).toBe(true); // Greek Ο, Ρ, Α
    expect(looksLike("Paypal", "Рaураl")).toBe(true); // Cyrillic Р, у
    expect(looksLike("Eve", "Ｅｖｅ")).toBe(true); // fullwidth
    expect(looksLike("Eve", "𝐄𝐯𝐞")).toBe(true); // mathematical bold
    expect(looksLike("Sofia", "Soﬁa")).toBe(true); // the fi ligature
  });

  it("treat the classic letter tricks as the same: rn for m, vv for w, I and 1 for l, 0 for O, case and spacing", () => {
    expect(looksLike("Kim", "Kirn")).toBe(true);
    expect(looksLike("Wendy", "VVendy")).toBe(true);
    expect(looksLike("Isla", "lsla")).toBe(true);
    expect(looksLike("Bill", "Bi11")).toBe(true);
    expect(looksLike("Owen", "0wen")).toBe(true);
    expect(looksLike("anna lee", "Anna  Lee")).toBe(true);
    expect(looksLike("Alice", "ALICE")).toBe(true);
    expect(looksLike("Alice", "ΑLICE")).toBe(true); // Greek Α, capitals
  });

  it("keep different names apart, accents included", () => {
    expect(looksLike("Alice", "Alicia")).toBe(false);
    expect(looksLike("José", "Jose")).toBe(false);
    expect(looksLike("Иван", "Ivan")).toBe(false);
    expect(looksLike("Zoë", "Zoe")).toBe(false);
    expect(looksLike("李明", "李朋")).toBe(false);
  });

  it("are not needed for invisible and direction-changing characters: the text policy refuses those in names", () => {
    for (const trick of ["Al\u200bice", "Al\u200dice", "\u202eecilA", "Al\u2066ice", "Al\u00adice", "Al\u2060ice"])
      expect(checkUserText(trick, "name", { max: 80 }).ok, JSON.stringify(trick)).toBe(false);
  });
});
