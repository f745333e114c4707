// Applies prisma/migrations with Prisma's own `migrate deploy`, driven through the pg adapter and the
// WebAssembly schema engine (prisma/prisma.config.ts), so it needs no engine download. Nodes that start
// together find nothing pending and skip the CLI (and its advisory lock) altogether.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { repoRoot } from "./repo-root.js";

const run = promisify(execFile);
export const prismaConfig = path.join(repoRoot, "prisma", "prisma.config.ts");
const migrationsDir = path.join(repoRoot, "prisma", "migrations");

async function hasPendingMigrations(databaseUrl: string): Promise<boolean> {
  const wanted = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((r) => r.name));
    return wanted.some((name) => !applied.has(name));
  } catch {
    return true; // no migrations table yet
  } finally {
    await client.end();
  }
}

export async function migrateDeploy(databaseUrl: string): Promise<void> {
  if (!(await hasPendingMigrations(databaseUrl))) return;
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  try {
    await run(process.execPath, [cli, "migrate", "deploy", "--config", prismaConfig], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`database migration failed:\n${e.stdout ?? ""}${e.stderr ?? String(error)}`);
  }
}
