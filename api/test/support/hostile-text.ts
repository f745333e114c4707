// Text that has broken stores and screens, for property tests at the edge: NUL, controls, lone surrogates,
// invisible and bidi marks, decomposed accents, and lengths around the limits.
import fc from "fast-check";

/** Characters that have broken stores and screens: NUL, controls, lone surrogates, invisible and bidi marks. */
export const hostileChar = fc.oneof(
  fc.constantFrom(
    ...["\u0000", "\u0007", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085", "\u009b", "\u00ad", "\u200b"],
    ...["\u200d", "\u202e", "\u2066", "\ufeff", "\ud800", "\udfff", "e\u0301", "👩🏽‍💻", " ", "\u3000", "\\", '"'],
  ),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
);

export const hostileText = fc.oneof(
  fc.array(hostileChar, { maxLength: 30 }).map((chars) => chars.join("")),
  // Around the length limits, counted in code points, of characters of one, two and three UTF-16 units.
  fc
    .tuple(fc.constantFrom("a", "😀", "e\u0301", "\u0000"), fc.integer({ min: 3990, max: 4010 }))
    .map(([c, n]) => c.repeat(n)),
  fc.tuple(fc.constantFrom("x", "😀"), fc.integer({ min: 60, max: 70 })).map(([c, n]) => c.repeat(n)),
);
