// The one HTTP gateway of both browser apps (web client and admin dashboard): typed by the API's own
// routes (Hono RPC), and one reader that turns the API's error shape into an ApiError.
import type { AppType } from "api/client";
import { hc } from "hono/client";

export const api = hc<AppType>("/", { init: { credentials: "same-origin" } });

/** The API's one error shape, `{ error: { code, message, details? } }`, with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

interface Answer {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

/** Reads an answer: its JSON when ok (undefined for 204), else throws ApiError with the server's words. */
export async function read<T>(res: Answer): Promise<T> {
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  const body = (await res.json().catch(() => null)) as {
    error?: { code: string; message: string; details?: Record<string, unknown> };
  } | null;
  const error = body?.error;
  throw new ApiError(
    res.status,
    error?.code ?? `http_${res.status}`,
    error?.message ?? `HTTP ${res.status}`,
    error?.details,
  );
}

/** An error as a person should read it: the API's message, or what to do when the server is unreachable. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const s = Number(error.details?.retryAfterSeconds);
      if (Number.isFinite(s)) return `Too many attempts: try again in ${s} s.`;
    }
    if (error.code === "invalid_request") return invalidRequest(error);
    return error.message;
  }
  if (error instanceof TypeError) return "The server cannot be reached. Check your connection and try again.";
  return error instanceof Error ? error.message : String(error);
}

/** A 400 from validation: the first field's problem ("password: at least 12 characters"). */
function invalidRequest(error: ApiError): string {
  const issues = error.details?.issues as { path: string; message: string }[] | undefined;
  const first = issues?.[0];
  return first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : error.message;
}
