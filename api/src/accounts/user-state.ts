// A ban may carry an expiry. Past it the user counts as active everywhere (views, filters, counts, sign-in);
// the row itself is set back to active, with an audit entry, the next time the user signs in.

import { recordAudit } from "../audit/record.js";
import type { Prisma, User } from "../generated/prisma/client.js";
import type { Db } from "../lib/prisma.js";

type Stateful = Pick<User, "state" | "bannedUntil">;

export function effectiveState(user: Stateful, now = new Date()): User["state"] {
  if (user.state === "banned" && user.bannedUntil && user.bannedUntil <= now) return "active";
  return user.state;
}

/** The Prisma filter for users whose effective state is `state`. */
export function stateWhere(state: User["state"], now = new Date()): Prisma.UserWhereInput {
  if (state === "active") return { OR: [{ state: "active" }, { state: "banned", bannedUntil: { lte: now } }] };
  if (state === "banned") return { state: "banned", OR: [{ bannedUntil: null }, { bannedUntil: { gt: now } }] };
  return { state };
}

/** Clears an expired ban from the row (no-op otherwise); returns the user as it now is. */
export async function liftExpiredBan<U extends User>(db: Db, user: U): Promise<U> {
  const now = new Date();
  if (user.state !== "banned" || effectiveState(user, now) !== "active") return user;
  return db.$transaction(async (tx) => {
    const lifted = await tx.user.updateMany({
      where: { id: user.id, state: "banned", bannedUntil: { lte: now } },
      data: { state: "active", banReason: null, bannedUntil: null },
    });
    if (lifted.count === 1) {
      await recordAudit(tx, {
        actorId: null,
        action: "user.ban_expired",
        targetType: "user",
        targetId: user.id,
        reason: user.banReason,
      });
    }
    return { ...user, state: "active", banReason: null, bannedUntil: null };
  });
}
