// First start of a deployment: the workspace, the first owner and #general. Idempotent: does nothing
// once a workspace exists. A generated password is returned so main.ts can print it once.
//
// On plain `pg`, not Prisma: a process's first Prisma query loads and compiles Prisma's query compiler
// (~33 MB of RSS, BENCHMARKS.md §8), which a node should pay with the first request that needs Prisma,
// not at every start.
import { randomBytes, randomUUID } from "node:crypto";
import { hashPassword } from "../accounts/passwords.js";
import { inTransaction, type Sql } from "../lib/sql.js";

export interface BootstrapResult {
  created: boolean;
  adminEmail?: string;
  generatedPassword?: string;
}

export async function bootstrapWorkspace(
  { sql }: { sql: Sql },
  options: { adminEmail: string; adminPassword?: string | undefined },
): Promise<BootstrapResult> {
  if (await workspaceExists(sql)) return { created: false };
  const generatedPassword = options.adminPassword ? undefined : randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(options.adminPassword ?? (generatedPassword as string));
  const email = options.adminEmail.toLowerCase();
  try {
    await createFirst(sql, email, passwordHash);
  } catch (error) {
    // Another node starting at the same moment bootstrapped first (the owner's email is unique): fine.
    if ((error as { code?: string }).code === "23505") return { created: false };
    throw error;
  }
  return { created: true, adminEmail: email, ...(generatedPassword ? { generatedPassword } : {}) };
}

async function workspaceExists(sql: Sql): Promise<boolean> {
  const { rowCount } = await sql.query('SELECT 1 FROM "Workspace" LIMIT 1');
  return (rowCount ?? 0) > 0;
}

/** Ids and times as Prisma writes them: uuids made here, timestamps (no zone) holding UTC. */
async function createFirst(sql: Sql, email: string, passwordHash: string) {
  const ownerId = randomUUID();
  const channelId = randomUUID();
  const now = new Date().toISOString();
  await inTransaction(sql, async (client) => {
    await client.query(`INSERT INTO "Workspace" (id, name, "createdAt") VALUES ($1, 'Parley', $2::timestamp)`, [
      randomUUID(),
      now,
    ]);
    await client.query(
      `INSERT INTO "User" (id, email, "displayName", "nameKey", role, "passwordHash", "createdAt", "updatedAt")
       VALUES ($1, $2, 'Admin', 'admin', 'owner', $3, $4::timestamp, $4::timestamp)`,
      [ownerId, email, passwordHash, now],
    );
    await client.query(
      `INSERT INTO "Channel" (id, kind, name, purpose, "createdById", "isDefault", "createdAt")
       VALUES ($1, 'public', 'general', 'Everyone, everything.', $2, true, $3::timestamp)`,
      [channelId, ownerId, now],
    );
    await client.query(
      `INSERT INTO "ChannelMember" ("channelId", "userId", role, "joinedAt") VALUES ($1, $2, 'admin', $3::timestamp)`,
      [channelId, ownerId, now],
    );
  });
}
