// One-time links (set a password, accept an invite). The secret travels in the URL fragment, which
// browsers never send to a server or write to its logs; only its SHA-256 is stored.
import type { Config } from "../config.js";
import type { Prisma } from "../generated/prisma/client.js";
import { allowedOrigins } from "../lib/origins.js";
import { generateSessionToken, sessionIdOf } from "./sessions.js";

const HOUR_MS = 60 * 60 * 1000;
export type PasswordPurpose = "setup" | "reset";
/** A new account's link waits a week for its owner; a reset link is for now. */
const LIFETIME_MS: Record<PasswordPurpose, number> = { setup: 7 * 24 * HOUR_MS, reset: 24 * HOUR_MS };

export const hashToken = sessionIdOf;

export function newSecret() {
  const token = generateSessionToken();
  return { token, hash: hashToken(token) };
}

export function appLink(config: Pick<Config, "PUBLIC_ORIGIN" | "PORT">, page: string, token: string) {
  return `${allowedOrigins(config)[0]}/${page}#token=${token}`;
}

/** A new set-password link for the user; any earlier unused link of theirs stops working. */
export async function issuePasswordLink(
  tx: Prisma.TransactionClient,
  config: Config,
  userId: string,
  purpose: PasswordPurpose,
) {
  const { token, hash } = newSecret();
  const expiresAt = new Date(Date.now() + LIFETIME_MS[purpose]);
  await tx.passwordToken.deleteMany({ where: { userId, usedAt: null } });
  await tx.passwordToken.create({ data: { id: hash, userId, purpose, expiresAt } });
  return { link: appLink(config, "set-password", token), expiresAt: expiresAt.toISOString() };
}
