// Applies prisma/migrations with Prisma's own `migrate deploy`, driven through the pg adapter and the
// WebAssembly schema engine (prisma/prisma.config.ts), so it needs no engine download.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
export const prismaConfig = path.join(repoRoot, "prisma", "prisma.config.ts");

export async function migrateDeploy(databaseUrl: string): Promise<void> {
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
