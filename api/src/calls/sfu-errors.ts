// The SFU's error codes pass through to the client (they are part of the protocol), each with a fitting
// HTTP-like status.
import { SfuRequestError } from "sfu/client";
import { AppError } from "../errors.js";

const statusOf: Record<string, 400 | 404 | 409 | 410 | 429 | 502 | 503> = {
  bad_request: 400,
  cannot_consume: 400,
  bitrate_limit: 400,
  not_found: 404,
  not_joined: 409,
  already_joined: 409,
  call_full: 409,
  too_many_producers: 409,
  call_ended: 410,
  too_many_transports: 429,
  sfu_unavailable: 503,
};

export function toAppError(error: unknown): unknown {
  if (!(error instanceof SfuRequestError)) return error;
  return new AppError(statusOf[error.code] ?? 502, error.code, error.message, error.details);
}

export const codeOf = (error: unknown) =>
  error instanceof SfuRequestError || error instanceof AppError ? error.code : undefined;

/** Runs an SFU request, turning its refusal into the client's error. */
export async function asked<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toAppError(error);
  }
}
