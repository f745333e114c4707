// Rows the tests need, written straight through Prisma (the actions under test come later in each test).
import { randomUUID } from "node:crypto";
import type { Db } from "../../src/lib/prisma.js";

export async function createUser(
  db: Db,
  overrides: { role?: "owner" | "admin" | "member" | "guest"; name?: string } = {},
) {
  const id = randomUUID();
  const displayName = overrides.name ?? `user-${id.slice(0, 6)}`;
  return db.user.create({
    data: {
      id,
      email: `${id}@parley.test`,
      displayName,
      nameKey: displayName.toLowerCase(),
      role: overrides.role ?? "member",
    },
  });
}

export async function createChannel(db: Db, memberIds: string[], kind: "public" | "private" = "public") {
  return db.channel.create({
    data: { kind, name: `c-${randomUUID().slice(0, 8)}`, members: { create: memberIds.map((userId) => ({ userId })) } },
  });
}
