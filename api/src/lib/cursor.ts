// Opaque pagination cursors: base64url JSON of the last row's sort key and id. Clients pass them back
// unchanged; a tampered or foreign cursor is a 400, never a server error.
import type { z } from "zod";
import { badRequest } from "../errors.js";

export const encodeCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T): z.output<T> {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: not base64url JSON
  }
  throw badRequest("invalid_cursor", "The cursor is not one this list gave out.");
}
