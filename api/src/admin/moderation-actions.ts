// Role changes, deactivation, bans and forced sign-out. Each is one transaction (target locked, change,
// audit entry); revoking sessions is announced to every node only after the commit.
import { announceRevoked, deleteUserSessions, type RevokedSessions, type RevokeReason } from "../accounts/revoke.js";
import { effectiveState } from "../accounts/user-state.js";
import { recordAudit } from "../audit/record.js";
import { conflict } from "../errors.js";
import type { Role, User } from "../generated/prisma/client.js";
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

export async function doChangeRole(services: Services, actor: Actor, id: string, role: Role, reason?: string) {
  checkCanGrant(actor, role);
  return withTarget(services, actor, id, async (tx, target) => {
    if (target.role === role) return target;
    if (target.role === "owner") await checkOwnersRemain(tx, target.id);
    const user = await tx.user.update({ where: { id }, data: { role } });
    await audit(tx, actor, target, "user.role_changed", { reason, details: { from: target.role, to: role } });
    return user;
  });
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
