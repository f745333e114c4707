// The one policy for user-supplied text (STYLE.md "User text, one policy"). Every string a user sends —
// message bodies, names, topics, status text, search queries, cursors, client and request ids — goes
// through userText() in its zod schema, over HTTP bodies, query strings and socket frames alike, so what
// the edge accepts every later step can store: PostgreSQL's text and jsonb refuse NUL and lone surrogates,
// and a refusal there would come after the client was told "accepted".
//
// The rules, by kind of text:
//   every kind   well-formed Unicode (no lone surrogate code units)
//   line         one line: no control character at all (C0, DEL, C1); NFC; surrounding whitespace trimmed
//   multiline    like line, but tab and line feed are allowed (CR LF and lone CR become LF)
//   name         like line, and no invisible or direction-changing characters (bidi overrides and
//                isolates, zero-width spaces and joiners, soft hyphens …), except the joiners and
//                variation selectors inside an emoji
//   token        opaque identifiers (client ids, request ids, cursors, links' tokens): no control
//                character; compared byte for byte, so neither normalized nor trimmed
//   secret       passwords: no NUL; otherwise taken as typed (never stored as text, only hashed)
// Lengths count Unicode code points (PostgreSQL's char_length), after normalizing and trimming.
// From @hono/zod-openapi (the same zod, with .openapi() added) so route schemas can describe these fields.
import { z } from "@hono/zod-openapi";

export type TextKind = "line" | "multiline" | "name" | "token" | "secret";

export interface TextLimits {
  /** Fewest code points; 0 when omitted (an empty string is allowed). */
  min?: number;
  /** Most code points. */
  max: number;
}

export type TextVerdict = { ok: true; value: string } | { ok: false; problem: string };

/** With the u flag a pair is one code point, so this matches only a surrogate that is not part of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const isWellFormed = (value: string) => !LONE_SURROGATE.test(value);
const ANY_CONTROL = /\p{Cc}/u;
const CONTROL_BUT_TAB_OR_LF = /[^\P{Cc}\t\n]/u;
/** Default-ignorable code points: rendered as nothing, or they change the direction of what follows. */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
/** A joiner or variation selector is kept only right after a pictograph (👨‍👩‍👧, ❤️). */
const EMOJI_GLUE = /(?<=\p{Extended_Pictographic}[\u{1F3FB}-\u{1F3FF}\uFE0F]?)[\u200D\uFE0E\uFE0F]/gu;

/** What PostgreSQL's text and jsonb can hold: well-formed Unicode without NUL. */
export const isStorableText = (value: string) => isWellFormed(value) && !value.includes("\u0000");

const codePoint = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** Applies the policy to one string: its normalized form, or why it is refused. */
export function checkUserText(raw: string, kind: TextKind, { min = 0, max }: TextLimits): TextVerdict {
  if (!isWellFormed(raw)) return { ok: false, problem: "must be well-formed Unicode (it has a lone surrogate)" };
  let value = kind === "multiline" ? raw.replace(/\r\n?/g, "\n") : raw;
  const forbidden = kind === "secret" ? /\0/ : kind === "multiline" ? CONTROL_BUT_TAB_OR_LF : ANY_CONTROL;
  const control = forbidden.exec(value);
  if (control) {
    const allowed = kind === "multiline" ? " other than tab and line feed" : "";
    return { ok: false, problem: `must not contain control characters${allowed} (found ${codePoint(control[0])})` };
  }
  if (kind === "line" || kind === "multiline" || kind === "name") value = value.normalize("NFC").trim();
  if (kind === "name") {
    const invisible = value.replace(EMOJI_GLUE, "").match(INVISIBLE);
    if (invisible)
      return {
        ok: false,
        problem: `must not contain invisible or direction-changing characters (found ${codePoint(invisible[0])})`,
      };
  }
  const length = codePoints(value);
  if (length < min)
    return { ok: false, problem: min === 1 ? "must not be empty" : `must be at least ${min} characters` };
  if (length > max) return { ok: false, problem: `must be at most ${max} characters` };
  return { ok: true, value };
}

function codePoints(value: string) {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** A zod string schema that applies the policy: refuses with a precise issue, or yields the normalized text. */
export function userText(kind: TextKind, limits: TextLimits) {
  return z.string().transform((raw, ctx) => {
    const verdict = checkUserText(raw, kind, limits);
    if (verdict.ok) return verdict.value;
    ctx.addIssue({ code: "custom", message: verdict.problem });
    return z.NEVER;
  });
}

/**
 * The first string in a parsed JSON value (keys included) that PostgreSQL could not hold, as a path and a
 * problem; null when there is none. For payloads whose every field is not described by userText() (socket
 * frames carrying the SFU's media parameters, decoded cursors).
 */
export function findUnstorableText(
  value: unknown,
  path: (string | number)[] = [],
): { path: string; problem: string } | null {
  if (typeof value === "string") {
    return isStorableText(value) ? null : { path: path.join("."), problem: unstorableProblem(value) };
  }
  if (typeof value !== "object" || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (!isStorableText(key)) return { path: at.join("."), problem: `its name ${unstorableProblem(key)}` };
    const found = findUnstorableText(inner, at);
    if (found) return found;
  }
  return null;
}

const unstorableProblem = (value: string) =>
  isWellFormed(value) ? "must not contain NUL (U+0000)" : "must be well-formed Unicode (it has a lone surrogate)";
