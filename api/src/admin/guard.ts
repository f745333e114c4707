// Who may use the admin API, and whom an admin may act on. Owners manage everyone; admins manage
// everyone but owners, and cannot make anyone an owner.
import type { Context, MiddlewareHandler } from "hono";
import { forbidden } from "../errors.js";
import type { Role } from "../generated/prisma/client.js";
import { clientIp } from "../lib/client-ip.js";
import { type AuthEnv, requireUser } from "../middleware/session/index.js";

export interface Actor {
  id: string;
  role: Role;
  ip: string | undefined;
}

export const isAdmin = (role: Role) => role === "owner" || role === "admin";

/** 401 without a session, 403 `banned` when banned, 403 for members and guests. */
export const adminOnly: MiddlewareHandler<AuthEnv> = async function adminOnly(c, next) {
  if (!isAdmin(requireUser(c).user.role)) throw forbidden("Only admins and owners may do that.");
  await next();
};

export function actorOf(c: Context<AuthEnv>): Actor {
  const { user } = requireUser(c);
  return { id: user.id, role: user.role, ip: clientIp(c) };
}

export function checkCanManage(actor: Actor, target: { role: Role }) {
  if (target.role === "owner" && actor.role !== "owner") throw forbidden("Only an owner may change an owner.");
}

export function checkCanGrant(actor: Actor, role: Role) {
  if (role === "owner" && actor.role !== "owner") throw forbidden("Only an owner may make someone an owner.");
}

/** Locking yourself out is a mistake the API refuses rather than one an owner has to undo. */
export function checkNotSelf(actor: Actor, targetId: string, what: string) {
  if (actor.id === targetId) throw forbidden(`You cannot ${what} yourself.`);
}
