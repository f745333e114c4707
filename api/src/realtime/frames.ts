// Turns raw socket text into a validated request, or a typed error that names what was wrong.

import { AppError } from "../errors.js";
import { isStoreUnavailable, storeUnavailable } from "../lib/store-unavailable.js";
import { findUnstorableText } from "../lib/user-text.js";
import {
  type ClientRequest,
  clientRequestSchema,
  type ErrorBody,
  MAX_FRAME_BYTES,
  RequestIdSchema,
} from "./protocol.js";

/**
 * A request; or an error, with the id to reply to when the frame carried a valid one. `malformed`: the
 * frame is not a well-formed request at all (not a JSON object, no valid id, an unknown type, too large, or
 * binary); those count towards closing the socket (MAX_MALFORMED_FRAMES). A request refused for what its
 * fields hold does not.
 */
export type Parsed = { request: ClientRequest } | { id?: string; error: ErrorBody; malformed: boolean };

const invalid = (message: string, details: { path: string; message: string }[]): ErrorBody => ({
  code: "invalid_request",
  message,
  details,
});

export function parseFrame(data: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    json = undefined;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { malformed: true, error: { code: "bad_json", message: "Frames must be JSON objects." } };
  }
  const frame = json as { id?: unknown; type?: unknown };
  // The reply carries the id as sent, so one it could not carry exactly (missing, too long, not text) is
  // refused rather than cut: the client could not match the reply to its request.
  const id = RequestIdSchema.safeParse(frame.id);
  if (!id.success) {
    const problems = id.error.issues.map((i) => ({ path: "id", message: i.message }));
    return { malformed: true, error: invalid("The frame has no valid id, so it cannot be answered.", problems) };
  }
  const reply = { id: frame.id as string };
  if (Buffer.byteLength(data) > MAX_FRAME_BYTES) {
    const error = { code: "frame_too_large", message: `Frames are limited to ${MAX_FRAME_BYTES} bytes.` };
    return { ...reply, malformed: true, error };
  }
  if (!clientRequestSchema.options.some((o) => o.shape.type.value === frame.type)) {
    const error = { code: "unknown_type", message: `Unknown frame type ${JSON.stringify(frame.type ?? null)}.` };
    return { ...reply, malformed: true, error };
  }
  // Every string in a frame, the SFU's media parameters too, is text the store could hold (user-text.ts).
  const unstorable = findUnstorableText(json);
  if (unstorable) {
    const details = [{ path: unstorable.path, message: unstorable.problem }];
    return { ...reply, malformed: false, error: invalid("The frame does not match its type.", details) };
  }
  const parsed = clientRequestSchema.safeParse(json);
  if (parsed.success) return { request: parsed.data };
  const details = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  return { ...reply, malformed: false, error: invalid("The frame does not match its type.", details) };
}

/** The answer to a binary frame (every frame is JSON text). */
export const BINARY_FRAME_ERROR: ErrorBody = { code: "binary_frame", message: "Frames must be text (JSON)." };

export function frameError(error: unknown): ErrorBody {
  if (error instanceof AppError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    };
  }
  if (isStoreUnavailable(error)) return frameError(storeUnavailable());
  return { code: "internal", message: "Something went wrong; the request was not carried out." };
}
