// Creating and editing accounts, and issuing set-password links. Parley has no self sign-up: an account
// starts here (or from an invite) and its owner sets a password through the one-time link.
import { nameKeyOf } from "../accounts/actions.js";
import { checkNameNotConfusable } from "../accounts/display-names.js";
import { issuePasswordLink } from "../accounts/links.js";
import { recordAudit } from "../audit/record.js";
import { conflict } from "../errors.js";
import type { Role } from "../generated/prisma/client.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import type { Services } from "../services.js";
import { type Actor, checkCanGrant } from "./guard.js";
import { withTarget } from "./target.js";

const emailTaken = () => conflict("email_taken", "An account with this email already exists.");

async function mapDuplicate<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
}

/** The account and a one-time link for its owner to set a password. */
export async function doCreateUser(services: Services, actor: Actor, input: NewUser) {
  checkCanGrant(actor, input.role);
  await checkNameNotConfusable(services.db, input.displayName);
  return mapDuplicate(
    services.db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { ...input, nameKey: nameKeyOf(input.displayName) } });
      const link = await issuePasswordLink(tx, services.config, user.id, "setup");
      await recordAudit(tx, {
        actorId: actor.id,
        action: "user.created",
        targetType: "user",
        targetId: user.id,
        ip: actor.ip,
        details: { email: user.email, role: user.role },
      });
      return { user, ...link };
    }),
  );
}

export interface UserEdit {
  email?: string | undefined;
  displayName?: string | undefined;
  reason?: string | undefined;
}

export async function doEditUser(services: Services, actor: Actor, id: string, edit: UserEdit) {
  if (edit.displayName !== undefined) await checkNameNotConfusable(services.db, edit.displayName, id);
  return mapDuplicate(
    withTarget(services, actor, id, async (tx, target) => {
      const { reason, ...fields } = edit;
      const changed = Object.fromEntries(
        Object.entries(fields).filter(
          ([key, value]) => value !== undefined && value !== target[key as keyof typeof fields],
        ),
      );
      if (Object.keys(changed).length === 0) return target;
      const user = await tx.user.update({
        where: { id },
        data: { ...changed, ...(edit.displayName === undefined ? {} : { nameKey: nameKeyOf(edit.displayName) }) },
      });
      const before = Object.fromEntries(Object.keys(changed).map((key) => [key, target[key as keyof typeof fields]]));
      await recordAudit(tx, {
        actorId: actor.id,
        action: "user.updated",
        targetType: "user",
        targetId: id,
        reason,
        ip: actor.ip,
        details: { before, after: changed },
      });
      return user;
    }),
  );
}

/** A new reset link; earlier unused links of the user stop working. */
export async function doCreateResetLink(services: Services, actor: Actor, id: string, reason?: string) {
  return withTarget(services, actor, id, async (tx, target) => {
    const link = await issuePasswordLink(tx, services.config, target.id, "reset");
    await recordAudit(tx, {
      actorId: actor.id,
      action: "user.reset_link_created",
      targetType: "user",
      targetId: id,
      reason,
      ip: actor.ip,
    });
    return link;
  });
}
