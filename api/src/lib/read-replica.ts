// Which database serves a read that a streaming replica may take (DATABASE_REPLICA_URL).
//
// Read-your-writes by sequence: the caller has just read the channel's `lastSeq` on the primary (the access
// check does, as it must, to ask who the user is now). The persister writes a channel's events, messages and
// `lastSeq` in one transaction, so a replica whose copy of the channel has that `lastSeq` holds everything
// the primary held at that moment. Else (it lags, or it fails) the primary answers. One extra indexed
// lookup on the replica per read; the primary's work is then only the access check.
import type { Services } from "../services.js";
import { replicaReads } from "./metrics.js";
import type { Db } from "./prisma.js";
import type { Sql } from "./sql.js";

export type Reads = Pick<Services, "db" | "replica" | "logger">;
export type SqlReads = Pick<Services, "sql" | "replicaSql" | "logger">;

/** The replica when it has replayed the channel up to `lastSeq` (the primary's, read just before), else the primary. */
export async function channelReader(services: Reads, channelId: string, lastSeq: number): Promise<Db> {
  const { replica, db } = services;
  if (!replica) return db;
  try {
    const copy = await replica.channel.findUnique({ where: { id: channelId }, select: { lastSeq: true } });
    if (copy && copy.lastSeq >= lastSeq) {
      replicaReads.inc({ target: "replica" });
      return replica;
    }
  } catch (err) {
    services.logger.warn({ err }, "the read replica failed; reading from the primary");
  }
  replicaReads.inc({ target: "primary" });
  return db;
}

/** channelReader for the plain-pg hot reads (the history page): the replica's pool or the primary's. */
export async function channelSqlReader(services: SqlReads, channelId: string, lastSeq: number): Promise<Sql> {
  const { replicaSql, sql } = services;
  if (!replicaSql) return sql;
  try {
    const { rows } = await replicaSql.query<{ lastSeq: number }>({
      name: "replica-channel-position",
      text: `SELECT "lastSeq" FROM "Channel" WHERE id = $1::uuid`,
      values: [channelId],
    });
    if (rows[0] && rows[0].lastSeq >= lastSeq) {
      replicaReads.inc({ target: "replica" });
      return replicaSql;
    }
  } catch (err) {
    services.logger.warn({ err }, "the read replica failed; reading from the primary");
  }
  replicaReads.inc({ target: "primary" });
  return sql;
}

/** Reads with no sequence to wait for (search): the replica while it answers, else the primary. Results may
 * trail the primary by the replication delay (milliseconds on a healthy replica). */
export async function laggingReader<T>(services: Reads, read: (db: Db) => Promise<T>): Promise<T> {
  const { replica, db } = services;
  if (replica) {
    try {
      const result = await read(replica);
      replicaReads.inc({ target: "replica" });
      return result;
    } catch (err) {
      services.logger.warn({ err }, "the read replica failed; reading from the primary");
    }
  }
  if (replica) replicaReads.inc({ target: "primary" });
  return read(db);
}
