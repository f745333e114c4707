// A request that failed because PostgreSQL could not be reached (restarting, failing over, the network) is
// not the asker's fault and not a bug: it is answered 503 `unavailable` with a retry hint, never the opaque
// `internal`, and on a socket it does not end the session. What counts: pg's connection errors (refused,
// reset, terminated, timed out), SQLSTATE classes 08 (connection exception) and 57P01–57P03 (the server
// shutting down or starting), and Prisma's "cannot reach / connection closed" codes.
import { AppError } from "../errors.js";

/** When to try again (details.retryAfterMs and Retry-After): a PostgreSQL restart takes a few seconds. */
export const STORE_RETRY_AFTER_MS = 2000;

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);
const SQLSTATES = new Set(["57P01", "57P02", "57P03"]);
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017"]);
const PG_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed)/;

export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 3) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith("08")))
    return true;
  if (typeof code === "string" && PRISMA_CODES.has(code)) return true;
  if (error.name === "PrismaClientInitializationError") return true;
  if (PG_MESSAGES.test(error.message)) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isStoreUnavailable(e, depth + 1))) return true;
  return isStoreUnavailable(error.cause, depth + 1);
}

export const storeUnavailable = () =>
  new AppError(
    503,
    "unavailable",
    "The database is unavailable for a moment; try again shortly (a send: with the same clientId).",
    { retryAfterMs: STORE_RETRY_AFTER_MS },
    { "Retry-After": String(Math.ceil(STORE_RETRY_AFTER_MS / 1000)) },
  );
