// The one way anything is written to the audit log: append-only, inside the caller's transaction so an
// entry exists exactly when the change it describes does.
import type { Prisma } from "../generated/prisma/client.js";
import type { Db } from "../lib/prisma.js";

export const AUDIT_ACTIONS = [
  "auth.login",
  "auth.login_failures",
  "auth.password_changed",
  "auth.password_set",
  "invite.accepted",
  "invite.created",
  "invite.revoked",
  "user.created",
  "user.updated",
  "user.role_changed",
  "user.deactivated",
  "user.reactivated",
  "user.banned",
  "user.unbanned",
  "user.ban_expired",
  "user.signed_out",
  "user.reset_link_created",
  "channel.default_changed",
  "channel.created",
  "channel.renamed",
  "channel.topic_changed",
  "channel.archived",
  "channel.unarchived",
  "channel.members_added",
  "channel.member_removed",
  "channel.message_deleted",
  "workspace.push_settings_changed",
  "workspace.file_settings_changed",
  "workspace.settings_changed",
  "retention.purged",
  "ops.dead_letters_replayed",
  "file.deleted",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** Who did it; null for the system (an expired ban) or an unknown party (failed logins). */
  actorId: string | null;
  action: AuditAction;
  targetType?: "user" | "invite" | "email" | "channel" | "workspace" | "file";
  targetId?: string;
  reason?: string | null | undefined;
  ip?: string | null | undefined;
  details?: Prisma.InputJsonObject;
}

export async function recordAudit(db: Db | Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      reason: entry.reason ?? null,
      ip: entry.ip ?? null,
      ...(entry.details ? { details: entry.details } : {}),
    },
  });
}
