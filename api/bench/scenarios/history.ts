// Scenario 5: paging a channel of 1,000,000 messages. Rows are generated inside PostgreSQL (INSERT …
// SELECT generate_series, 100k per statement), then pages are fetched one at a time at the newest, middle
// and oldest positions through GET /api/channels/:id/messages?before=… on a running API node.
import type pg from "pg";
import { type BenchContext, Cluster, log } from "../lib/cluster.js";
import { Histogram } from "../lib/histogram.js";
import { round } from "../lib/phase.js";
import { monotonicUs } from "../lib/profile.js";
import { metric, type ScenarioResult } from "../lib/report.js";
import { seedChannels, seedMembers, seedUsers } from "../lib/seed.js";

const CHUNK = 100_000;
const PAGE = 50;

async function seedHistory(db: pg.Pool, channelId: string, authorId: string, total: number) {
  for (let from = 1; from <= total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK - 1);
    // One transaction per chunk: the message rows and their stored events, as the persister writes them.
    await db.query(
      `WITH rows AS (
         SELECT gen_random_uuid() AS id, g AS seq, gen_random_uuid() AS "eventId",
                timestamp '2026-01-01' + g * interval '1 second' AS at
         FROM generate_series($3::int, $4::int) AS g),
       messages AS (
         INSERT INTO "Message" (id, "channelId", seq, "authorId", "clientId", body, "createdAt")
         SELECT id, $1::uuid, seq, $2::uuid, 'seed-' || seq, 'history message number ' || seq || ' with some words to index', at
         FROM rows)
       INSERT INTO "ChannelEvent" ("channelId", seq, "eventId", type, payload, "createdAt")
       SELECT $1::uuid, seq, "eventId", 'messageCreated',
         jsonb_build_object('type', 'messageCreated', 'eventId', "eventId", 'channelId', $1::uuid, 'actorId', $2::uuid,
           'at', to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'data', jsonb_build_object('messageId', id, 'clientId', 'seed-' || seq,
             'body', 'history message number ' || seq || ' with some words to index', 'parentId', null)), at
       FROM rows`,
      [channelId, authorId, from, to],
    );
    log("history", `seeded ${to.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} messages`);
  }
  await db.query(`UPDATE "Channel" SET "lastSeq" = $2 WHERE id = $1`, [channelId, total]);
  await db.query(`ANALYZE "Message"; ANALYZE "ChannelEvent"`);
}

export async function historyScenario(ctx: BenchContext): Promise<Partial<ScenarioResult>> {
  const total = ctx.quick ? 100_000 : 1_000_000;
  const fetches = ctx.quick ? 100 : 500;
  const cluster = await Cluster.start("history", ctx, { nodes: 1 });
  try {
    const db = cluster.stack.db;
    const [channelId] = (await seedChannels(db, 1, "history")) as [string];
    const [reader] = (await seedUsers(db, 1, "reader")) as [{ id: string; token: string }];
    await seedMembers(db, [{ channelId, userId: reader.id }]);
    const seedStarted = performance.now();
    await seedHistory(db, channelId, reader.id, total);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const url = (before?: number) =>
      `${cluster.api.url}/api/channels/${channelId}/messages?limit=${PAGE}${before ? `&before=${before}` : ""}`;
    const fetchPage = async (before?: number) => {
      const res = await fetch(url(before), { headers: { authorization: `Bearer ${reader.token}` } });
      const body = (await res.json()) as { messages?: { seq: number }[] };
      if (res.status !== 200)
        throw new Error(`GET /api/channels/:id/messages answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      return body.messages ?? [];
    };
    const positions = [
      { name: "newest", before: undefined, first: total - PAGE + 1 },
      { name: "middle", before: Math.floor(total / 2), first: Math.floor(total / 2) - PAGE },
      { name: "oldest", before: PAGE + 1, first: 1 },
    ];
    const metrics = [];
    const problems: string[] = [];
    const from = monotonicUs();
    for (const p of positions) {
      const page = await fetchPage(p.before);
      if (page.length !== PAGE || page[0]?.seq !== p.first)
        problems.push(
          `${p.name} page: expected ${PAGE} messages from seq ${p.first}, got ${page.length} from ${page[0]?.seq}`,
        );
      for (let i = 0; i < 20; i++) await fetchPage(p.before); // warm-up
    }
    // Positions take turns, so a burst of other work on the machine hits them alike.
    const histograms = positions.map(() => new Histogram());
    for (let i = 0; i < fetches; i++) {
      for (const [k, p] of positions.entries()) {
        const started = performance.now();
        await fetchPage(p.before);
        histograms[k]?.record(performance.now() - started);
      }
    }
    for (const [k, p] of positions.entries()) {
      const s = (histograms[k] as Histogram).summary();
      log("history", `${p.name}: p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms over ${fetches} fetches`);
      metrics.push(
        metric(`page of ${PAGE} at ${p.name}: p50`, s.p50, "ms"),
        metric(`page of ${PAGE} at ${p.name}: p95`, s.p95, "ms", { atMost: 20 }),
      );
    }
    cluster.noteWindow("history: fetch", from, monotonicUs());
    return {
      metrics,
      problems,
      notes: [
        `Through the HTTP route on a running API node (session by bearer token), ${fetches} sequential fetches per position after 20 warm-up fetches; time measured by the client.`,
      ],
      config: { messages: total, pageSize: PAGE, fetchesPerPosition: fetches, seedSeconds: round(seedSeconds, 1) },
      profiles: await cluster.stop(),
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
