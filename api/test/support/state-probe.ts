// What a refused input must not change, read cheaply enough to check after every fuzzed case: a digest of
// every table's rows in PostgreSQL (less the columns that move by themselves: last seen, last used, sliding
// expiry) and the end offsets of the event log in Kafka (an accepted action is appended before its reply,
// so an input that slipped an event in shows at once, before the persister has stored anything).
import { type Admin, Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { persisterGroup } from "../../src/persister/persister.js";

/** Columns that change without any request asking: presence, session use, sliding expiry. */
const VOLATILE_COLUMNS = ["lastSeenAt", "lastUsedAt", "expiresAt", "updatedAt"];

export class StateProbe {
  private constructor(
    private readonly db: pg.Client,
    private readonly admin: Admin,
    private readonly digestSql: string,
    private readonly topic: string,
    private readonly group: string,
  ) {}

  static async open(databaseUrl: string, brokers: string[], topicPrefix: string): Promise<StateProbe> {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
        ORDER BY 1`,
    );
    const volatile = `ARRAY[${VOLATILE_COLUMNS.map((c) => `'${c}'`).join(",")}]`;
    // Order-independent per table: a count and a sum of row hashes.
    const digestSql = `SELECT ${rows
      .map(
        ({ name }) =>
          `(SELECT count(*) || ':' || coalesce(sum(hashtext((to_jsonb(t) - ${volatile}::text[])::text)::bigint), 0) FROM "${name}" t) AS "${name}"`,
      )
      .join(", ")}`;
    const admin = new Kafka({ clientId: "state-probe", brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    return new StateProbe(db, admin, digestSql, `${topicPrefix}.events`, persisterGroup(topicPrefix));
  }

  /** Table name → "rows:hash", and the log's end offset per partition. */
  async read(): Promise<Record<string, string>> {
    const [tables, offsets] = await Promise.all([this.db.query(this.digestSql), this.endOffsets()]);
    return { ...(tables.rows[0] as Record<string, string>), "kafka:events": offsets.join(",") };
  }

  private async endOffsets(): Promise<string[]> {
    const partitions = await this.admin.fetchTopicOffsets(this.topic);
    return partitions.sort((a, b) => a.partition - b.partition).map((p) => p.high);
  }

  /** Waits until the persister has stored (and committed) everything in the log: nothing is left to land. */
  async settle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [ends, [committed]] = await Promise.all([
        this.admin.fetchTopicOffsets(this.topic),
        this.admin.fetchOffsets({ groupId: this.group, topics: [this.topic] }),
      ]);
      const done = new Map(committed?.partitions.map((p) => [p.partition, p.offset]) ?? []);
      // -1: the group has committed nothing in that partition, which is fine only if it is empty.
      if (ends.every((p) => p.high === "0" || done.get(p.partition) === p.high)) return;
      if (Date.now() > deadline) throw new Error(`the persister did not catch up with the log in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close() {
    await Promise.allSettled([this.db.end(), this.admin.disconnect()]);
  }
}

/** The entries of `after` that differ from `before`, for a readable failure. */
export function changed(before: Record<string, string>, after: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(after)
      .filter(([k, v]) => before[k] !== v)
      .map(([k, v]) => [k, `${before[k]} → ${v}`]),
  );
}
