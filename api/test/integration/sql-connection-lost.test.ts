// A pooled connection that dies in the middle of a transaction (PostgreSQL restarting, a backend terminated)
// fails that transaction and nothing else: the process lives on and the pool serves the next one. Before the
// fix the persister died here in the fault runner's PostgreSQL restart (bash ops/chaos): pg emitted the
// connection's 'error' on a checked-out client that nobody listened to, which ends a Node process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSql, inTransaction, type Sql } from "../../src/lib/sql.js";
import { createTestStack, type TestStack } from "../support/stack.js";

let stack: TestStack;
let sql: Sql;
let admin: Sql;

beforeAll(async () => {
  stack = await createTestStack();
  sql = createSql(stack.env.DATABASE_URL as string, () => {}, 2);
  admin = createSql(stack.env.DATABASE_URL as string, () => {}, 1);
});

afterAll(async () => {
  await Promise.all([sql?.end(), admin?.end()]);
  await stack?.cleanup();
});

describe("inTransaction", () => {
  it("survives its connection dying between two statements, and the pool goes on", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const failed = await inTransaction(sql, async (tx) => {
        const { rows } = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        // Killed from outside while this transaction waits between statements, as a crash does it.
        await admin.query("SELECT pg_terminate_backend($1)", [rows[0]?.pid]);
        await new Promise((r) => setTimeout(r, 300)); // the connection's error arrives now, no query running
        await tx.query("SELECT 1");
      }).then(
        () => null,
        (error: Error) => error,
      );
      expect(failed, "the transaction must fail").toBeInstanceOf(Error);
      expect(uncaught, "nothing may reach the process as uncaught").toEqual([]);
      // The dead connection was dropped, not pooled: both of the pool's connections work.
      const results = await Promise.all([1, 2].map((n) => inTransaction(sql, (tx) => tx.query(`SELECT ${n} AS n`))));
      expect(results.map((r) => r.rows[0]?.n)).toEqual([1, 2]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});
