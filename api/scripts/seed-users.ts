// Bulk-inserts synthetic users (10,000 rows per INSERT … SELECT FROM unnest), for benchmarks: varied
// names and email domains, roles and states in realistic proportions, one sign-up every 15 minutes.
import type pg from "pg";

const FIRST =
  "Ada Ben Carla Dmitri Elena Farid Grace Hiro Ines Jamal Kofi Lena Maria Mateo Nadia Omar Priya Quinn Rosa Sven Tariq Uma Victor Wen Xavier Yara Zoë Marc Martha John".split(
    " ",
  );
const LAST =
  "Smith García Müller Nguyen Okafor Kowalski Rossi Tanaka Silva Ivanova Haddad Larsen Dubois Cohen Patel O'Brien Mäkinen Novak Santos Kim".split(
    " ",
  );
export const pick = <T>(list: T[], n: number) => list[n % list.length] as T;

export async function seedUsers(client: pg.Client, count: number, log: (line: string) => void) {
  const BATCH = 10_000;
  const started = performance.now();
  for (let from = 0; from < count; from += BATCH) {
    const cols = {
      email: [] as string[],
      name: [] as string[],
      role: [] as string[],
      state: [] as string[],
      at: [] as string[],
    };
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const first = pick(FIRST, i * 7);
      const last = pick(LAST, i * 13 + Math.floor(i / 600));
      cols.name.push(`${first} ${last}`);
      cols.email.push(`${first}.${last}.${i}@example${i % 40}.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ""));
      cols.role.push(i === 0 ? "owner" : i % 100 === 1 ? "admin" : i % 7 === 0 ? "guest" : "member");
      cols.state.push(i % 100 === 50 ? "banned" : i % 25 === 3 ? "deactivated" : "active");
      cols.at.push(new Date(Date.UTC(2023, 0, 1) + i * 900_000).toISOString());
    }
    await client.query(
      `INSERT INTO "User" ("id", "email", "displayName", "nameKey", "role", "state", "banReason", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), e, n, lower(n), r::"Role", s::"UserState", CASE WHEN s = 'banned' THEN 'bench' END, a::timestamp, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(e, n, r, s, a)`,
      [cols.email, cols.name, cols.role, cols.state, cols.at],
    );
    const done = Math.min(count, from + BATCH);
    log(
      `  seeded ${done.toLocaleString("en-US")} / ${count.toLocaleString("en-US")} users (${Math.round(performance.now() - started)} ms)`,
    );
  }
  await client.query('ANALYZE "User"');
}
