// What the running process holds: created once in main.ts (or a test), handed to routes and workers.
import type { Config } from "./config.js";
import type { FileStorage } from "./files/storage.js";
import type { Kv } from "./lib/kv.js";
import type { Logger } from "./lib/logger.js";
import type { Db } from "./lib/prisma.js";
import type { Sql } from "./lib/sql.js";
import type { Bus } from "./realtime/bus.js";
import type { EventLog } from "./realtime/event-log.js";

export interface Services {
  config: Config;
  logger: Logger;
  db: Db;
  /** Plain pg pool for the hot paths (lib/sql.ts); same database as db. */
  sql: Sql;
  /** Reads that may be served by a streaming replica (DATABASE_REPLICA_URL): ask lib/read-replica.ts. */
  replica?: Db | undefined;
  /** The replica as a plain pg pool, for the hot reads (history pages); set exactly when `replica` is. */
  replicaSql?: Sql | undefined;
  /** "embedded" when this process started its own PostgreSQL. */
  dbKind: "embedded" | "external";
  bus: Bus;
  log: EventLog;
  /** Shared expiring state (rate limits, reservations, presence). */
  kv: Kv;
  /** Where file bytes live (files/storage.ts): local disk or S3. */
  storage: FileStorage;
}
