// First start of a deployment: the workspace, the first owner and #general. Idempotent: does nothing
// once a workspace exists. A generated password is returned so main.ts can print it once.
import { randomBytes } from "node:crypto";
import { hashPassword } from "../accounts/passwords.js";
import type { Db } from "../lib/prisma.js";
import type { Sql } from "../lib/sql.js";

export interface BootstrapResult {
  created: boolean;
  adminEmail?: string;
  generatedPassword?: string;
}

/**
 * Whether a workspace exists is asked on plain `pg`: on Prisma, the first query of a process loads and
 * compiles its query compiler (~33 MB of RSS, BENCHMARKS.md §8), which every later start would pay at once
 * rather than with the first request that needs Prisma. Creating the workspace (once per deployment) stays
 * on Prisma.
 */
export async function bootstrapWorkspace(
  { db, sql }: { db: Db; sql: Sql },
  options: { adminEmail: string; adminPassword?: string | undefined },
): Promise<BootstrapResult> {
  if (await workspaceExists(sql)) return { created: false };
  const generatedPassword = options.adminPassword ? undefined : randomBytes(12).toString("base64url");
  const passwordHash = await hashPassword(options.adminPassword ?? (generatedPassword as string));
  const email = options.adminEmail.toLowerCase();
  try {
    await createFirst(db, email, passwordHash);
  } catch (error) {
    // Another node starting at the same moment bootstrapped first: that is fine.
    if ((error as { code?: string }).code === "P2002") return { created: false };
    throw error;
  }
  return { created: true, adminEmail: email, ...(generatedPassword ? { generatedPassword } : {}) };
}

async function createFirst(db: Db, email: string, passwordHash: string) {
  await db.$transaction(async (tx) => {
    await tx.workspace.create({ data: { name: "Parley" } });
    const owner = await tx.user.create({
      data: { email, displayName: "Admin", nameKey: "admin", role: "owner", passwordHash },
    });
    await tx.channel.create({
      data: {
        kind: "public",
        name: "general",
        purpose: "Everyone, everything.",
        createdById: owner.id,
        isDefault: true,
        members: { create: { userId: owner.id, role: "admin" } },
      },
    });
  });
}

async function workspaceExists(sql: Sql): Promise<boolean> {
  const { rowCount } = await sql.query('SELECT 1 FROM "Workspace" LIMIT 1');
  return (rowCount ?? 0) > 0;
}
