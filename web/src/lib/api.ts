// The one HTTP gateway of the web client: typed by the API's own routes (Hono RPC).
import type { AppType } from "api/client";
import { hc } from "hono/client";

export const api = hc<AppType>("/", { init: { credentials: "same-origin" } });

/** The API's one error shape, with the HTTP status. */
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

/** Reads an answer: its JSON when ok, else throws ApiError with the server's code and message. */
export async function read<T>(res: { ok: boolean; status: number; json(): Promise<unknown> }): Promise<T> {
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  const body = (await res.json().catch(() => null)) as {
    error?: { code: string; message: string; details?: Record<string, unknown> };
  } | null;
  const error = body?.error;
  throw new ApiError(res.status, error?.code ?? "http_error", error?.message ?? `HTTP ${res.status}`, error?.details);
}
