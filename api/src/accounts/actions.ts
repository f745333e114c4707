// What a signed-in user does to their own account: profile, password, sessions.
import { recordAudit } from "../audit/record.js";
import { AppError, notFound } from "../errors.js";
import { removeUploaded } from "../files/avatars.js";
import { enforceLimit, type Limit } from "../lib/rate-limit.js";
import type { Services } from "../services.js";
import { checkNameNotConfusable } from "./display-names.js";
import { hashPassword, verifyPassword } from "./passwords.js";
import { announceRevoked, deleteSession, deleteUserSessions } from "./revoke.js";
import type { Authenticated } from "./sessions.js";

const PASSWORD_CHECKS: Limit = { name: "password-check", max: 10, windowMs: 15 * 60_000 };

/** The search key kept beside every display name (prefix search on an index, case-insensitive). */
export const nameKeyOf = (displayName: string) => displayName.toLowerCase();

export interface ProfileEdit {
  displayName?: string | undefined;
  avatarUrl?: string | null | undefined;
  statusText?: string | null | undefined;
  statusEmoji?: string | null | undefined;
  timeZone?: string | undefined;
}

export async function doUpdateProfile(services: Services, userId: string, edit: ProfileEdit) {
  if (edit.displayName !== undefined) await checkNameNotConfusable(services.db, edit.displayName, userId);
  const before =
    edit.avatarUrl === undefined
      ? null
      : await services.db.user.findUnique({ where: { id: userId }, select: { avatarUrl: true } });
  const updated = await services.db.user.update({
    where: { id: userId },
    data: {
      ...edit,
      ...(edit.displayName === undefined ? {} : { nameKey: nameKeyOf(edit.displayName) }),
    },
  });
  // An uploaded picture replaced by a URL, or taken away: its stored image goes too.
  if (before && before.avatarUrl !== updated.avatarUrl) await removeUploaded(services, userId, before.avatarUrl);
  return updated;
}

/** Needs the current password; signs out every other session (someone may have learned the old one). */
export async function doChangePassword(
  services: Services,
  auth: Authenticated,
  input: { currentPassword: string; newPassword: string },
  ip: string | undefined,
) {
  const { user, session } = auth;
  await enforceLimit(services.kv, PASSWORD_CHECKS, user.id);
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError(403, "wrong_password", "The current password is not right.");
  }
  const passwordHash = await hashPassword(input.newPassword);
  const revoked = await services.db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await tx.passwordToken.deleteMany({ where: { userId: user.id, usedAt: null } });
    await recordAudit(tx, {
      actorId: user.id,
      action: "auth.password_changed",
      targetType: "user",
      targetId: user.id,
      ip,
    });
    return deleteUserSessions(tx, user.id, session.id);
  });
  await announceRevoked(services, revoked, "signedOut");
}

export async function doRevokeSession(services: Services, userId: string, sessionId: string) {
  const revoked = await deleteSession(services.db, userId, sessionId);
  if (revoked.ids.length === 0) throw notFound("Session");
  await announceRevoked(services, revoked, "signedOut");
}

export async function doRevokeOtherSessions(services: Services, auth: Authenticated) {
  const revoked = await deleteUserSessions(services.db, auth.user.id, auth.session.id);
  await announceRevoked(services, revoked, "signedOut");
  return revoked.ids.length;
}

/** Every session of the user, this one included; every socket of theirs closes. */
export async function doRevokeAllSessions(services: Services, userId: string) {
  await announceRevoked(services, await deleteUserSessions(services.db, userId), "signedOut");
}

export async function doLogout(services: Services, auth: Authenticated) {
  const revoked = await deleteSession(services.db, auth.user.id, auth.session.id);
  await announceRevoked(services, revoked, "signedOut");
}
