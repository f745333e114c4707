// Once per test run: a template database migrated by Prisma's own `migrate deploy`; each test file then
// clones it (CREATE DATABASE … TEMPLATE), which takes milliseconds. Everything is dropped at the end.
import pg from "pg";
import { migrateDeploy } from "../../src/lib/migrate.js";
import { servicesHint, testEnv } from "./env.js";
import { databaseUrl, templateDatabase } from "./names.js";

export async function setup() {
  const admin = new pg.Client({ connectionString: testEnv.adminDatabaseUrl });
  await admin.connect().catch((error) => {
    throw new Error(`PostgreSQL at ${testEnv.adminDatabaseUrl} does not answer (${error.message}): ${servicesHint}`);
  });
  const template = templateDatabase();
  await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();
  await migrateDeploy(databaseUrl(template));
}

export async function teardown() {
  const admin = new pg.Client({ connectionString: testEnv.adminDatabaseUrl });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
    `${templateDatabase()}%`,
  ]);
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
}
