// Every admin change to a user runs in one transaction that first locks the target's row, so two admins
// acting at once are applied one after the other, each seeing the other's result.

import { stateWhere } from "../accounts/user-state.js";
import { conflict, notFound } from "../errors.js";
import type { Prisma, User } from "../generated/prisma/client.js";
import type { Services } from "../services.js";
import { type Actor, checkCanManage } from "./guard.js";

export type Tx = Prisma.TransactionClient;

export async function withTarget<T>(
  services: Services,
  actor: Actor,
  targetId: string,
  change: (tx: Tx, target: User) => Promise<T>,
): Promise<T> {
  return services.db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<
      { id: string }[]
    >`SELECT "id" FROM "User" WHERE "id" = ${targetId}::uuid FOR UPDATE`;
    const target = locked ? await tx.user.findUnique({ where: { id: targetId } }) : null;
    if (!target) throw notFound("User");
    checkCanManage(actor, target);
    return change(tx, target);
  });
}

/** Arbitrary, fixed key of the transaction lock that serializes changes which may remove an owner. */
const OWNERS_LOCK = 7_262_001;

/** Refuses a change that would leave the workspace without an active owner (409 `last_owner`). */
export async function checkOwnersRemain(tx: Tx, leavingOwnerId: string) {
  // Every change that may remove an owner checks under this lock, held to its commit: two owners
  // demoting each other at once are serialized and the second sees the first's result. (Row locks on
  // the owners would deadlock here, each transaction already holding its own target's row.)
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${OWNERS_LOCK})`;
  const others = await tx.user.count({
    where: { role: "owner", id: { not: leavingOwnerId }, ...stateWhere("active") },
  });
  if (others === 0) throw conflict("last_owner", "This is the last active owner: make someone else an owner first.");
}
