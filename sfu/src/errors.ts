// Errors a request can end with. Each becomes `{ ok: false, error: { code, message, details? } }`; the API
// passes the code through to the client, so codes are part of the protocol.
import type { SfuErrorBody } from "./protocol.js";

export type SfuErrorCode =
  | "bad_request"
  | "not_joined"
  | "already_joined"
  | "call_full"
  | "call_ended"
  | "not_found"
  | "cannot_consume"
  | "too_many_transports"
  | "too_many_producers"
  | "bitrate_limit"
  | "internal";

export class SfuError extends Error {
  constructor(
    readonly code: SfuErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toBody(): SfuErrorBody {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

export const notFound = (what: string, id: string) =>
  new SfuError("not_found", `${what} ${id} not found in this call.`);
