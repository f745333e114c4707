// Invite links: whoever opens one before it expires, while it has uses left and until it is revoked,
// may create an account with the invite's role (accounts/link-actions.ts).
import { appLink, newSecret } from "../accounts/links.js";
import { recordAudit } from "../audit/record.js";
import { notFound } from "../errors.js";
import type { Role } from "../generated/prisma/client.js";
import type { Services } from "../services.js";
import { type Actor, checkCanGrant } from "./guard.js";

const HOUR_MS = 60 * 60 * 1000;

export interface NewInvite {
  role: Role;
  maxUses: number;
  expiresInHours: number;
}

/** The invite and its link (shown once: only the hash of its secret is stored). */
export async function doCreateInvite(services: Services, actor: Actor, input: NewInvite) {
  checkCanGrant(actor, input.role);
  const { token, hash } = newSecret();
  const invite = await services.db.$transaction(async (tx) => {
    const invite = await tx.invite.create({
      data: {
        tokenHash: hash,
        role: input.role,
        maxUses: input.maxUses,
        expiresAt: new Date(Date.now() + input.expiresInHours * HOUR_MS),
        createdById: actor.id,
      },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "invite.created",
      targetType: "invite",
      targetId: invite.id,
      ip: actor.ip,
      details: { role: invite.role, maxUses: invite.maxUses, expiresAt: invite.expiresAt.toISOString() },
    });
    return invite;
  });
  return { invite, link: appLink(services.config, "invite", token) };
}

export async function doRevokeInvite(services: Services, actor: Actor, id: string, reason?: string) {
  return services.db.$transaction(async (tx) => {
    const invite = await tx.invite.findUnique({ where: { id } });
    if (!invite) throw notFound("Invite");
    checkCanGrant(actor, invite.role);
    if (invite.revokedAt) return invite;
    const revoked = await tx.invite.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "invite.revoked",
      targetType: "invite",
      targetId: id,
      reason,
      ip: actor.ip,
    });
    return revoked;
  });
}
