// Role changes, deactivation, bans and forced sign-out. Each is one transaction (target locked, change,
// audit entry); revoking sessions is announced to every node only after the commit.
import {
  announceRevoked,
  deleteSession,
  deleteUserSessions,
  type RevokedSessions,
  type RevokeReason,
} from "../accounts/revoke.js";
import { effectiveState } from "../accounts/user-state.js";
import { recordAudit } from "../audit/record.js";
import { AppError, conflict, notFound } from "../errors.js";
import type { Role, User } from "../generated/prisma/client.js";
import { sendUserControl } from "../realtime/control.js";
import type { Services } from "../services.js";
import { type Actor, checkCanGrant, checkNotSelf } from "./guard.js";
import { checkOwnersRemain, type Tx, withTarget } from "./target.js";

type Outcome = { user: User; revoked?: RevokedSessions };

const audit = (tx: Tx, actor: Actor, target: User, action: Parameters<typeof recordAudit>[1]["action"], extra = {}) =>
  recordAudit(tx, { actorId: actor.id, action, targetType: "user", targetId: target.id, ip: actor.ip, ...extra });

async function finish(services: Services, outcome: Outcome, reason: RevokeReason) {
  if (outcome.revoked) await announceRevoked(services, outcome.revoked, reason);
  return outcome.user;
}

/** Open sockets judge their next frame by the new role anyway; after the commit they also hear of it at once. */
export async function doChangeRole(services: Services, actor: Actor, id: string, role: Role, reason?: string) {
  checkCanGrant(actor, role);
  const { user, changed } = await withTarget(services, actor, id, async (tx, target) => {
    if (target.role === role) return { user: target, changed: false };
    if (target.role === "owner") await checkOwnersRemain(tx, target.id);
    const user = await tx.user.update({ where: { id }, data: { role } });
    await audit(tx, actor, target, "user.role_changed", { reason, details: { from: target.role, to: role } });
    return { user, changed: true };
  });
  if (changed) await sendUserControl(services.bus, id, { type: "roleChanged", role });
  return user;
}

export async function doDeactivate(services: Services, actor: Actor, id: string, reason?: string) {
  checkNotSelf(actor, id, "deactivate");
  const outcome = await withTarget(services, actor, id, async (tx, target): Promise<Outcome> => {
    if (target.state === "deactivated") return { user: target };
    if (target.role === "owner") await checkOwnersRemain(tx, target.id);
    const user = await tx.user.update({
      where: { id },
      data: { state: "deactivated", banReason: null, bannedUntil: null },
    });
    await audit(tx, actor, target, "user.deactivated", { reason });
    return { user, revoked: await deleteUserSessions(tx, id) };
  });
  return finish(services, outcome, "deactivated");
}

export async function doReactivate(services: Services, actor: Actor, id: string, reason?: string) {
  return withTarget(services, actor, id, async (tx, target) => {
    const state = effectiveState(target);
    if (state === "banned") throw conflict("user_banned", "This user is banned: unban them instead.");
    if (target.state !== "deactivated") return target;
    const user = await tx.user.update({ where: { id }, data: { state: "active" } });
    await audit(tx, actor, target, "user.reactivated", { reason });
    return user;
  });
}

export async function doBan(services: Services, actor: Actor, id: string, input: { reason: string; until?: Date }) {
  checkNotSelf(actor, id, "ban");
  const outcome = await withTarget(services, actor, id, async (tx, target): Promise<Outcome> => {
    if (target.role === "owner") await checkOwnersRemain(tx, target.id);
    const until = input.until ?? null;
    const user = await tx.user.update({
      where: { id },
      data: { state: "banned", banReason: input.reason, bannedUntil: until },
    });
    await audit(tx, actor, target, "user.banned", {
      reason: input.reason,
      details: { until: until?.toISOString() ?? null },
    });
    return { user, revoked: await deleteUserSessions(tx, id) };
  });
  return finish(services, outcome, "banned");
}

export async function doUnban(services: Services, actor: Actor, id: string, reason?: string) {
  return withTarget(services, actor, id, async (tx, target) => {
    if (target.state !== "banned") return target;
    const user = await tx.user.update({ where: { id }, data: { state: "active", banReason: null, bannedUntil: null } });
    await audit(tx, actor, target, "user.unbanned", { reason, details: { banReason: target.banReason } });
    return user;
  });
}

/** Signs the user out everywhere now; returns how many sessions ended. */
export async function doSignOut(services: Services, actor: Actor, id: string, reason?: string) {
  const outcome = await withTarget(services, actor, id, async (tx, target): Promise<Outcome> => {
    const revoked = await deleteUserSessions(tx, id);
    await audit(tx, actor, target, "user.signed_out", { reason, details: { sessions: revoked.ids.length } });
    return { user: target, revoked };
  });
  await finish(services, outcome, "signedOut");
  return outcome.revoked?.ids.length ?? 0;
}

/** Ends one session of the user (one browser); its sockets close at once everywhere. */
export async function doSignOutSession(
  services: Services,
  actor: Actor,
  id: string,
  sessionId: string,
  reason?: string,
) {
  const outcome = await withTarget(services, actor, id, async (tx, target): Promise<Outcome> => {
    const revoked = await deleteSession(tx, id, sessionId);
    if (revoked.ids.length === 0) throw notFound("Session");
    await audit(tx, actor, target, "user.signed_out", { reason, details: { sessions: 1 } });
    return { user: target, revoked };
  });
  await finish(services, outcome, "signedOut");
}

export const BULK_ACTIONS = ["deactivate", "sign-out"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** One action on each selected user in turn; one refusal (yourself, the last owner) does not stop the rest. */
export async function doBulk(services: Services, actor: Actor, ids: string[], action: BulkAction, reason?: string) {
  const results: { id: string; ok: boolean; error?: { code: string; message: string } }[] = [];
  for (const id of new Set(ids)) {
    try {
      if (action === "deactivate") await doDeactivate(services, actor, id, reason);
      else await doSignOut(services, actor, id, reason);
      results.push({ id, ok: true });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({ id, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  return results;
}
