// One error shape everywhere: { error: { code, message, details? } }.
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  toBody() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthorized = (message = "Sign in first.") => new AppError(401, "unauthorized", message);
export const forbidden = (message = "You may not do that.", code = "forbidden") => new AppError(403, code, message);
export const notFound = (what: string) => new AppError(404, "not_found", `${what} not found.`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const tooMany = (retryAfterSeconds: number) =>
  new AppError(
    429,
    "rate_limited",
    `Too many requests; try again in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
    {
      "Retry-After": String(retryAfterSeconds),
    },
  );
