// Display names that only look like another member's name are refused, so nobody can pass for someone else
// with a Cyrillic "а", a Greek "Ο", a fullwidth letter, "rn" for "m" or a capital I for an l. The text
// policy (lib/user-text.ts) already refuses invisible and direction-changing characters in names.
//
// Two names are confusable when their skeletons are equal: after compatibility decomposition (fullwidth,
// mathematical and ligature forms become plain letters), each character that looks like a Latin letter
// or digit becomes that letter (after Unicode's confusables data, UTS #39, for the Latin, Cyrillic and
// Greek look-alikes people actually use), then case is folded and spaces are collapsed (nameSkeletons). A name equal to
// another member's, character for character, is not refused: two colleagues may share a name, and it is
// shown as it is, not disguised.
import { AppError } from "../errors.js";
import type { Db } from "../lib/prisma.js";

/** Characters that look like a Latin letter or digit, and that letter. */
const LOOK_ALIKES: Record<string, string> = {
  // Cyrillic
  а: "a",
  в: "B",
  е: "e",
  о: "o",
  р: "p",
  с: "c",
  у: "y",
  х: "x",
  ѕ: "s",
  і: "i",
  ј: "j",
  ԁ: "d",
  һ: "h",
  ԛ: "q",
  ԝ: "w",
  ӏ: "l",
  ɡ: "g",
  ү: "y",
  ѵ: "v",
  ᴦ: "r",
  п: "n",
  т: "T",
  м: "M",
  к: "K",
  н: "H",
  А: "A",
  В: "B",
  Е: "E",
  К: "K",
  М: "M",
  Н: "H",
  О: "O",
  Р: "P",
  С: "C",
  Т: "T",
  Х: "X",
  У: "Y",
  Ѕ: "S",
  І: "I",
  Ј: "J",
  Ԛ: "Q",
  Ԝ: "W",
  Ү: "Y",
  Ӏ: "l",
  Ԁ: "D",
  Ѵ: "V",
  З: "3",
  Ь: "b",
  Ꙅ: "S",
  // Greek
  Α: "A",
  Β: "B",
  Ε: "E",
  Ζ: "Z",
  Η: "H",
  Ι: "I",
  Κ: "K",
  Μ: "M",
  Ν: "N",
  Ο: "O",
  Ρ: "P",
  Τ: "T",
  Υ: "Y",
  Χ: "X",
  Ϲ: "C",
  Ϳ: "J",
  α: "a",
  ο: "o",
  ν: "v",
  ι: "i",
  ρ: "p",
  υ: "u",
  χ: "x",
  ϲ: "c",
  ϳ: "j",
  κ: "k",
  γ: "y",
  ɩ: "i",
  // Latin and common symbols
  ı: "i",
  ȷ: "j",
  ɑ: "a",
  ɒ: "a",
  ɪ: "i",
  ʏ: "y",
  ℓ: "l",
  "|": "l",
  ǀ: "l",
  "0": "O",
  "1": "l",
  I: "l",
  "5": "S",
  "8": "B",
};

/** Pairs that together look like one letter. */
const LOOK_ALIKE_PAIRS: [RegExp, string][] = [
  [/rn/g, "m"],
  [/vv/g, "w"],
  [/cl/g, "d"],
];

/**
 * What a name looks like, for telling look-alikes apart: names with an equal skeleton look the same. Two
 * skeletons, because a capital I looks like an l but folding case turns it into an i: one maps I to l
 * before folding ("AIice" is "Alice"), the other folds first ("ALICE" is "Alice").
 */
export function nameSkeletons(name: string): [string, string] {
  return [skeleton(name, true), skeleton(name, false)];
}

function skeleton(name: string, capitalIAsL: boolean): string {
  let mapped = "";
  for (const char of name.normalize("NFKD")) mapped += char === "I" && !capitalIAsL ? "i" : (LOOK_ALIKES[char] ?? char);
  let folded = mapped.normalize("NFD").toLowerCase();
  // Lower-casing can make new pairs ("RN" → "rn"), so the pairs come after it.
  for (const [pair, letter] of LOOK_ALIKE_PAIRS) folded = folded.replace(pair, letter);
  return folded.replace(/\s+/gu, " ").trim();
}

export function looksLike(a: string, b: string): boolean {
  const [a1, a2] = nameSkeletons(a);
  const [b1, b2] = nameSkeletons(b);
  return a1 === b1 || a2 === b2;
}

/**
 * Throws 400 `name_confusable` when the name looks like another user's without being it. Reads every
 * user's name: display names change rarely, and a workspace has thousands of members, not millions.
 */
export async function checkNameNotConfusable(db: Pick<Db, "user">, displayName: string, userId?: string) {
  const others = await db.user.findMany({
    where: userId ? { id: { not: userId } } : {},
    select: { displayName: true },
  });
  if (others.some((o) => o.displayName !== displayName && looksLike(o.displayName, displayName))) {
    throw new AppError(
      400,
      "name_confusable",
      "This name looks like another member's name (it differs only in look-alike letters, case or spacing). Choose one that cannot be taken for theirs.",
      { issues: [{ path: "displayName", code: "name_confusable", message: "looks like another member's name" }] },
    );
  }
}
