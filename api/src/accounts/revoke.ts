// Revoking sessions takes effect at once on every node. In the transaction the rows go, so no request
// authenticates with them again; after the commit every node is told to close the user's sockets, and a
// ban leaves a marker so the old cookie answers 403 `banned` with the reason instead of a bare 401.
// A session's push devices go with it (PushDevice.sessionId cascades): a revoked session is never pushed to.
import type { Prisma } from "../generated/prisma/client.js";
import type { Kv } from "../lib/kv.js";
import type { Db } from "../lib/prisma.js";
import { sendUserControl } from "../realtime/control.js";
import type { Services } from "../services.js";
import { sessionIdOf } from "./sessions.js";

export type RevokeReason = "banned" | "deactivated" | "signedOut";

export interface RevokedSessions {
  userId: string;
  ids: { id: string; expiresAt: Date }[];
  /** True when every session of the user went, so every socket of the user closes. */
  all: boolean;
}

/** Deletes the user's sessions (all of them, or all but `exceptId`); returns what went. */
export async function deleteUserSessions(
  tx: Db | Prisma.TransactionClient,
  userId: string,
  exceptId?: string,
): Promise<RevokedSessions> {
  const ids = await tx.$queryRaw<{ id: string; expiresAt: Date }[]>`
    DELETE FROM "Session" WHERE "userId" = ${userId}::uuid AND "id" <> ${exceptId ?? ""}
    RETURNING "id", "expiresAt"`;
  return { userId, ids, all: exceptId === undefined };
}

export async function deleteSession(tx: Db | Prisma.TransactionClient, userId: string, sessionId: string) {
  const ids = await tx.$queryRaw<{ id: string; expiresAt: Date }[]>`
    DELETE FROM "Session" WHERE "userId" = ${userId}::uuid AND "id" = ${sessionId}
    RETURNING "id", "expiresAt"`;
  return { userId, ids, all: false };
}

/** After the commit: close the sockets of the revoked sessions everywhere; remember banned sessions. */
export async function announceRevoked(services: Services, revoked: RevokedSessions, reason: RevokeReason) {
  if (reason === "banned") {
    const now = Date.now();
    await Promise.all(
      revoked.ids.map(({ id, expiresAt }) =>
        services.kv.set(bannedSessionKey(id), revoked.userId, Math.max(1000, expiresAt.getTime() - now)),
      ),
    );
  }
  if (!revoked.all && revoked.ids.length === 0) return;
  await sendUserControl(services.bus, revoked.userId, {
    type: "sessionsRevoked",
    reason,
    ...(revoked.all ? {} : { sessionIds: revoked.ids.map((s) => s.id) }),
  });
}

export const bannedSessionKey = (sessionId: string) => `banned-session:${sessionId}`;

/** The user whose session, holding this token, a ban revoked; null for any other unknown token. */
export async function bannedSessionUser(db: Db, kv: Kv, token: string) {
  const userId = await kv.get(bannedSessionKey(sessionIdOf(token)));
  return userId ? db.user.findUnique({ where: { id: userId } }) : null;
}
