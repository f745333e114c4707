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
  await db.$transaction(async (tx) => {
    await tx.workspace.create({ data: { name: "Parley" } });
    const owner = await tx.user.create({ data: { email, displayName: "Admin", role: "owner", passwordHash } });
    await tx.channel.create({
      data: {
        kind: "public",
        name: "general",
        purpose: "Everyone, everything.",
        createdById: owner.id,
        members: { create: { userId: owner.id, role: "admin" } },
      },
    });
  });
  return { created: true, adminEmail: email, ...(generatedPassword ? { generatedPassword } : {}) };
}
