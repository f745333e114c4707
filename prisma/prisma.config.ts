// Prisma CLI configuration. It drives migrations through the WebAssembly schema engine and the pg driver
// adapter, so no native engine is downloaded: that works offline and on any normal machine alike.
// Two defects of adapter-pg 6.x are worked around here (see prisma/README.md).
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;

// prisma/orm#27403: catalog columns of these types (char, name, regproc, pg_node_tree, regclass, regtype,
// regconfig, regnamespace, regrole, regcollation) are not decodable by adapter-pg 6.x. Their text form is
// what the engine wants, so they are reported as `text` (OID 25).
const CATALOG_TEXT_OIDS = new Set([18, 19, 24, 194, 2205, 2206, 3734, 4089, 4096, 4191]);
const TEXT_OID = 25;

function reportCatalogTypesAsText<T extends object>(queryable: T): T {
  type Result = { fields?: { dataTypeID: number }[] };
  const q = queryable as unknown as { performIO(query: unknown): Promise<Result | Result[]> };
  const performIO = q.performIO.bind(q);
  q.performIO = async (query) => {
    const result = await performIO(query);
    // A multi-statement script yields one result per statement; a command yields no fields.
    for (const one of Array.isArray(result) ? result : [result]) {
      for (const field of one.fields ?? []) {
        if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
      }
    }
    return result;
  };
  const tx = queryable as unknown as { startTransaction?: (...args: unknown[]) => Promise<object> };
  if (tx.startTransaction) {
    const start = tx.startTransaction.bind(tx);
    tx.startTransaction = async (...args) => reportCatalogTypesAsText(await start(...args));
  }
  return queryable;
}

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: point it at a PostgreSQL database (see .env.example)");
  return url;
}

// The adapter's own shadow database either reuses the main database (its connection string wins over the
// database name) or cannot be dropped while its pool is open. A throw-away database per run, dropped WITH
// (FORCE) after its pool is closed, avoids both; SHADOW_DATABASE_URL is honoured when set.
async function connectToShadowDb(mainUrl: string): Promise<Adapter> {
  const given = process.env.SHADOW_DATABASE_URL;
  if (given) return reportCatalogTypesAsText(await new PrismaPg({ connectionString: given }).connect());
  const name = `parley_shadow_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: mainUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(mainUrl);
  url.pathname = `/${name}`;
  const adapter = reportCatalogTypesAsText(await new PrismaPg({ connectionString: url.toString() }).connect());
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    const dropper = new pg.Client({ connectionString: mainUrl });
    await dropper.connect();
    await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await dropper.end();
  };
  return adapter;
}

export default defineConfig({
  schema: path.join(import.meta.dirname, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "migrations") },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const url = databaseUrl();
    const factory = new PrismaPg({ connectionString: url });
    return {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => reportCatalogTypesAsText(await factory.connect()),
      connectToShadowDb: () => connectToShadowDb(url),
    };
  },
});
