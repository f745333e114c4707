// Opaque pagination cursors: base64url JSON of the last row's sort key and id. Clients pass them back
// unchanged; a tampered or foreign cursor is a 400, never a server error — also one whose strings
// PostgreSQL could not compare (NUL, lone surrogates).
import type { z } from "@hono/zod-openapi";
import { badRequest } from "../errors.js";
import { findUnstorableText, userText } from "./user-text.js";

/** The `cursor` query parameter of a paged list. */
export const CursorQuery = userText("token", { max: 512 }).openapi({ description: "nextCursor of the previous page" });

export const encodeCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.output<T> {
  try {
    const json: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const parsed = schema.safeParse(json);
    if (parsed.success && !findUnstorableText(json)) return parsed.data;
  } catch {
    // fall through: not base64url JSON
  }
  throw badRequest("invalid_cursor", "The cursor is not one this list gave out.");
}
