// Using a one-time link: set a password (new account or reset), or accept an invite. Each is one
// transaction: the link is claimed, the account written and the audit entry added together, or nothing.
import { recordAudit } from "../audit/record.js";
import { announceDefaultJoins, joinDefaultChannels } from "../channels/defaults.js";
import { AppError, conflict } from "../errors.js";
import type { Invite, PasswordToken } from "../generated/prisma/client.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import type { Services } from "../services.js";
import { nameKeyOf } from "./actions.js";
import { checkNameNotConfusable } from "./display-names.js";
import { hashToken } from "./links.js";
import { checkCanSignIn } from "./login.js";
import { hashPassword } from "./passwords.js";
import { announceRevoked, deleteUserSessions } from "./revoke.js";
import { createSession, type SessionMeta } from "./sessions.js";

/** Why a link does not work; clients show a page for each (details.reason of the 400 `invalid_link`). */
export type LinkProblem = "invalid" | "used" | "expired" | "revoked" | "used_up";

const MESSAGES: Record<LinkProblem, string> = {
  invalid: "This link is not valid.",
  used: "This link was already used.",
  expired: "This link has expired: ask an admin for a new one.",
  revoked: "This invite was revoked.",
  used_up: "This invite has been used up.",
};

const invalidLink = (reason: LinkProblem) => new AppError(400, "invalid_link", MESSAGES[reason], { reason });

/**
 * Sets the password, signs out every session, then signs this browser in. A new account's first password
 * (a setup link) also puts it in the workspace's default channels.
 */
export async function doSetPassword(services: Services, input: { token: string; password: string }, meta: SessionMeta) {
  const { db } = services;
  const id = hashToken(input.token);
  const link = checkTokenUsable(await db.passwordToken.findUnique({ where: { id } }), new Date());
  // Hashing (argon2, the costly part) only for a link that works, so junk tokens cost next to nothing.
  const passwordHash = await hashPassword(input.password);
  const now = new Date();
  const { user, revoked, joined } = await db.$transaction(async (tx) => {
    const claimed = await tx.passwordToken.updateMany({
      where: { id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (claimed.count === 0) throw invalidLink("used");
    checkCanSignIn(await tx.user.findUniqueOrThrow({ where: { id: link.userId } }));
    const user = await tx.user.update({ where: { id: link.userId }, data: { passwordHash } });
    await recordAudit(tx, {
      actorId: user.id,
      action: "auth.password_set",
      targetType: "user",
      targetId: user.id,
      ip: meta.ip,
      details: { purpose: link.purpose },
    });
    const joined = link.purpose === "setup" ? await joinDefaultChannels(tx, user.id) : [];
    return { user, revoked: await deleteUserSessions(tx, user.id), joined };
  });
  await announceRevoked(services, revoked, "signedOut");
  await announceDefaultJoins(services, user.id, joined);
  const { token, session } = await createSession(db, user.id, services.config.SESSION_DAYS, meta);
  return { user, token, expiresAt: session.expiresAt };
}

export interface AcceptInvite {
  token: string;
  email: string;
  displayName: string;
  password: string;
}

/** Creates the account with the invite's role, puts it in the default channels and signs it in. */
export async function doAcceptInvite(services: Services, input: AcceptInvite, meta: SessionMeta) {
  const { db } = services;
  const invite = checkInviteUsable(
    await db.invite.findUnique({ where: { tokenHash: hashToken(input.token) } }),
    new Date(),
  );
  const { role } = invite;
  await checkNameNotConfusable(db, input.displayName);
  const passwordHash = await hashPassword(input.password);
  const now = new Date();
  try {
    const { user, joined } = await db.$transaction(async (tx) => {
      // Claims a use only while the invite still has one: two people racing for the last use can't both win.
      const claimed = await tx.invite.updateMany({
        where: { id: invite.id, revokedAt: null, expiresAt: { gt: now }, uses: { lt: tx.invite.fields.maxUses } },
        data: { uses: { increment: 1 } },
      });
      if (claimed.count === 0) throw invalidLink("used_up");
      const user = await tx.user.create({
        data: {
          email: input.email,
          displayName: input.displayName,
          nameKey: nameKeyOf(input.displayName),
          passwordHash,
          role,
        },
      });
      await recordAudit(tx, {
        actorId: user.id,
        action: "invite.accepted",
        targetType: "invite",
        targetId: invite.id,
        ip: meta.ip,
        details: { userId: user.id, email: user.email, role },
      });
      return { user, joined: await joinDefaultChannels(tx, user.id) };
    });
    await announceDefaultJoins(services, user.id, joined);
    const { token, session } = await createSession(db, user.id, services.config.SESSION_DAYS, meta);
    return { user, token, expiresAt: session.expiresAt };
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("email_taken", "An account with this email already exists.");
    throw error;
  }
}

export function tokenProblem(token: PasswordToken | null, now: Date): LinkProblem | null {
  if (!token) return "invalid";
  if (token.usedAt) return "used";
  if (token.expiresAt <= now) return "expired";
  return null;
}

export function inviteProblem(invite: Invite | null, now: Date): LinkProblem | null {
  if (!invite) return "invalid";
  if (invite.revokedAt) return "revoked";
  if (invite.expiresAt <= now) return "expired";
  if (invite.uses >= invite.maxUses) return "used_up";
  return null;
}

function checkTokenUsable(token: PasswordToken | null, now: Date): PasswordToken {
  const problem = tokenProblem(token, now);
  if (problem || !token) throw invalidLink(problem ?? "invalid");
  return token;
}

function checkInviteUsable(invite: Invite | null, now: Date): Invite {
  const problem = inviteProblem(invite, now);
  if (problem || !invite) throw invalidLink(problem ?? "invalid");
  return invite;
}
