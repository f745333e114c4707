// Channel actions write channel.* audit records as the admin user actions write user.*: in the same
// transaction as the change, with who did it and from where. Self-service joins and leaves are not audited
// (they are in the channel's own log); whatever someone does to a channel or to others in it is.
import { type AuditAction, recordAudit } from "../audit/record.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Db } from "../lib/prisma.js";
import type { Actor } from "./access.js";

export function auditChannel(
  db: Db | Prisma.TransactionClient,
  actor: Actor,
  action: AuditAction & `channel.${string}`,
  channelId: string,
  details?: Prisma.InputJsonObject,
  reason?: string,
) {
  return recordAudit(db, {
    actorId: actor.id,
    action,
    targetType: "channel",
    targetId: channelId,
    ip: actor.ip,
    reason,
    ...(details ? { details } : {}),
  });
}
