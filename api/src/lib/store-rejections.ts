// Prisma (6.19) rolls back an interactive transaction that outlived its timeout from a timer, and nothing
// handles that promise: when the ROLLBACK fails because the store is out of reach (its statement timed out
// behind the hung one, or the connection is gone), the rejection is unhandled and Node would end the
// process, every socket and request on it. That failure is the store being away, which each request already
// answers `unavailable`: it is logged, not fatal. Any other unhandled rejection still ends the process,
// as Node's default does. DATABASE_QUERY_TIMEOUT_MS, below the transaction timeout, makes it rare.
import type { Logger } from "./logger.js";
import { isStoreUnavailable } from "./store-unavailable.js";

export function storeRejectionHandler(logger: Logger) {
  return function onUnhandledRejection(reason: unknown) {
    if (!isStoreUnavailable(reason)) throw reason; // an uncaught exception: the process ends, as before
    logger.warn({ err: reason }, "a store failure nobody awaited (a timed-out transaction's rollback); carrying on");
  };
}

/** For process entries (main.ts, worker-process.ts) only: tests keep their runner's own handling. */
export function surviveStoreRejections(logger: Logger) {
  process.on("unhandledRejection", storeRejectionHandler(logger));
}
