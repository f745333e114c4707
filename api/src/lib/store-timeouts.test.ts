// Both pools against a PostgreSQL that hangs: a TCP listener that never answers, or one that signs the
// client in and then answers nothing. Each wait ends at its bound with an error counted as the store out of
// reach (so the client is told `unavailable`), and a transaction's hung connection is dropped, not reused.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createDb } from "./prisma.js";
import { createSql, inTransaction } from "./sql.js";
import type { StoreTimeouts } from "./store-timeouts.js";
import { isStoreUnavailable } from "./store-unavailable.js";

const timeouts: StoreTimeouts = { connectMs: 300, queryMs: 400 };
// AuthenticationOk, then ReadyForQuery (idle): signed in, and then silence.
const SIGNED_IN = Buffer.from([82, 0, 0, 0, 8, 0, 0, 0, 0, 90, 0, 0, 0, 5, 73]);

const servers: net.Server[] = [];

async function hungServer(signIn: boolean): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    if (signIn) socket.once("data", () => socket.write(SIGNED_IN));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `postgresql://parley@127.0.0.1:${(server.address() as net.AddressInfo).port}/parley`;
}

async function failure(work: Promise<unknown>) {
  const started = Date.now();
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
    server.unref();
  }
});

describe("store timeouts", () => {
  it("a connection that is never answered fails at the connect bound, as the store unavailable", async () => {
    const url = await hungServer(false);
    const sql = createSql(url, () => {}, { timeouts });
    const db = createDb(url, { timeouts });
    for (const work of [sql.query("SELECT 1"), db.$queryRaw`SELECT 1`]) {
      const { error, ms } = await failure(work);
      expect(isStoreUnavailable(error)).toBe(true);
      expect(ms).toBeLessThan(5000);
    }
    await Promise.all([sql.end(), db.$disconnect()]);
  });

  it("a statement that is never answered fails at the query bound, as the store unavailable", async () => {
    const url = await hungServer(true);
    const sql = createSql(url, () => {}, { timeouts });
    const db = createDb(url, { timeouts });
    for (const work of [sql.query("SELECT 1"), db.$queryRaw`SELECT 1`]) {
      const { error, ms } = await failure(work);
      expect(isStoreUnavailable(error)).toBe(true);
      expect(ms).toBeLessThan(5000);
    }
    await Promise.all([sql.end(), db.$disconnect()]);
  });

  it("a transaction whose statement hangs fails, and its connection is closed, not pooled", async () => {
    const url = await hungServer(true);
    const sql = createSql(url, () => {}, { timeouts, poolSize: 1 });
    const released: (Error | undefined)[] = [];
    sql.on("release", (err) => released.push(err));
    const { error } = await failure(inTransaction(sql, (client) => client.query("SELECT 1")));
    expect(isStoreUnavailable(error)).toBe(true);
    // Released with an error, the pool closes it. Returned as healthy, it would still hold the unanswered
    // BEGIN, and the next user would wait behind it for another bound.
    expect(released).toHaveLength(1);
    expect(released[0]).toBeInstanceOf(Error);
    expect(sql.totalCount).toBe(0);
    await sql.end();
  });
});
