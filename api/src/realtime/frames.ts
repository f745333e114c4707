// Turns raw socket text into a validated request, or a typed error that names what was wrong.
import { AppError } from "../errors.js";
import { type ClientRequest, clientRequestSchema, type ErrorBody, MAX_FRAME_BYTES } from "./protocol.js";

export type Parsed = { request: ClientRequest } | { id?: string; error: ErrorBody };

export function parseFrame(data: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { error: { code: "bad_json", message: "Frames must be JSON." } };
  }
  const id =
    typeof json === "object" && json !== null && typeof (json as { id?: unknown }).id === "string"
      ? ((json as { id: string }).id.slice(0, 64) as string)
      : undefined;
  if (Buffer.byteLength(data) > MAX_FRAME_BYTES) {
    return { id, error: { code: "frame_too_large", message: `Frames are limited to ${MAX_FRAME_BYTES} bytes.` } };
  }
  const parsed = clientRequestSchema.safeParse(json);
  if (parsed.success) return { request: parsed.data };
  const type = (json as { type?: unknown } | null)?.type;
  const known = clientRequestSchema.options.some((o) => o.shape.type.value === type);
  if (!known) {
    return { id, error: { code: "unknown_type", message: `Unknown frame type ${JSON.stringify(type ?? null)}.` } };
  }
  return {
    id,
    error: {
      code: "invalid_request",
      message: "The frame does not match its type.",
      details: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    },
  };
}

export function frameError(error: unknown): ErrorBody {
  if (error instanceof AppError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    };
  }
  return { code: "internal", message: "Something went wrong; the request was not carried out." };
}
