// Plain `pg` for the hot paths (send checks, the persister, catch-up reads): Prisma's query compiler costs
// 0.4–1.7 ms of CPU per query against ~0.07 ms for the same statement here (BENCHMARKS.md, finding 3).
// Everything else stays on Prisma. Timestamps are `timestamp` (no zone) holding UTC wall-clock time, as
// Prisma writes them, so they are read back as UTC here too.
import pg from "pg";

export type Sql = pg.Pool;
export type SqlClient = pg.PoolClient;

const TIMESTAMP = 1114;
const INT8 = 20;

function typeParser(oid: number, format?: string) {
  if (oid === TIMESTAMP) return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
  if (oid === INT8) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as "text");
}

/** `onIdleError` hears of idle pooled connections that die (a server restart, a dropped database): the pool
 * replaces them; without a listener, pg would throw the error from the pool and end the process. */
export function createSql(databaseUrl: string, onIdleError: (error: Error) => void, poolSize = 10): Sql {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, types: { getTypeParser: typeParser } });
  pool.on("error", onIdleError);
  return pool;
}

/**
 * Runs fn in one transaction on one pooled connection; rolls back if it throws.
 *
 * A connection that dies while checked out and between two statements (PostgreSQL restarting, a backend
 * terminated) emits 'error' on its client, where the pool no longer listens: unheard, pg throws it and the
 * process ends (the persister did, in the fault runner's PostgreSQL restart). Heard here, the transaction's
 * next statement fails instead, and the dead connection is destroyed rather than returned to the pool.
 */
export async function inTransaction<T>(sql: Sql, fn: (client: SqlClient) => Promise<T>): Promise<T> {
  const client = await sql.connect();
  let lost: Error | undefined;
  const onLost = (error: Error) => {
    lost = error;
  };
  client.on("error", onLost);
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.off("error", onLost);
    client.release(lost);
  }
}
