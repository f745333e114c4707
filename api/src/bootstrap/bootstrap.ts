// First start of a deployment: the workspace, the first owner and #general. Idempotent: does nothing
// once a workspace exists. A generated password is returned so main.ts can print it once.
import { randomBytes } from "node:crypto";
import { hashPassword } from "../accounts/passwords.js";
import type { Db } from "../lib/prisma.js";

export interface BootstrapResult {
  created: boolean;
  adminEmail?: string;
  generatedPassword?: string;
}

export async function bootstrapWorkspace(
  db: Db,
  options: { adminEmail: string; adminPassword?: string | undefined },
): Promise<BootstrapResult> {
  if (await db.workspace.findFirst()) return { created: false };
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
