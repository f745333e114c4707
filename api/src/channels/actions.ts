// Creating, editing and archiving channels; notification preferences and read positions. Channel metadata
// is changed here, synchronously; the channel's log then records the change (channelUpdated, memberJoined).

import type { SessionUser } from "../accounts/sessions.js";
import { isAdmin } from "../admin/guard.js";
import { conflict, forbidden, notFound } from "../errors.js";
import type { NotifyLevel } from "../generated/prisma/client.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import type { Db } from "../lib/prisma.js";
import { deleteMessage } from "../messages/actions.js";
import { checkMessage } from "../messages/checks.js";
import { sendUserControl } from "../realtime/control.js";
import type { Services } from "../services.js";
import { workspaceSettings } from "../workspace/cache.js";
import { type Actor, checkCanManage, checkIsMember, checkNotArchived, checkNotGuest } from "./access.js";
import { announceMembership, emitInformational } from "./announce.js";
import { auditChannel } from "./audit.js";

export interface NewChannel {
  kind: "public" | "private";
  name: string;
  topic?: string | undefined;
  purpose?: string | undefined;
}

export interface ChannelChanges {
  name?: string | undefined;
  topic?: string | undefined;
  purpose?: string | undefined;
}

const nameTaken = () => conflict("name_taken", "A channel with this name exists already.");

/** The creator becomes the channel's admin. Returns the new channel's id. */
export async function doCreateChannel(services: Services, actor: Actor, input: NewChannel): Promise<string> {
  checkNotGuest(actor, "create channels");
  // A workspace setting (Settings → Channels): every member, or workspace admins only.
  if ((await workspaceSettings(services).get()).channelCreators === "admins" && !isAdmin(actor.role))
    throw forbidden("Only workspace admins may create channels in this workspace.", "admins_only");
  let channelId: string;
  try {
    channelId = await services.db.$transaction(async (tx) => {
      const { id } = await tx.channel.create({
        data: {
          kind: input.kind,
          name: input.name,
          topic: input.topic ?? "",
          purpose: input.purpose ?? "",
          createdById: actor.id,
          members: { create: { userId: actor.id, role: "admin" } },
        },
        select: { id: true },
      });
      await auditChannel(tx, actor, "channel.created", id, { kind: input.kind, name: input.name });
      return id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
  await announceMembership(services, channelId, actor.id, { joined: [actor.id] });
  return channelId;
}

export async function doEditChannel(services: Services, actor: Actor, channelId: string, changes: ChannelChanges) {
  const { channel } = await checkCanManage(services.db, actor, channelId);
  checkNotArchived(channel);
  const changed: ChannelChanges = {};
  if (changes.name !== undefined && changes.name !== channel.name) changed.name = changes.name;
  if (changes.topic !== undefined && changes.topic !== channel.topic) changed.topic = changes.topic;
  if (changes.purpose !== undefined && changes.purpose !== channel.purpose) changed.purpose = changes.purpose;
  if (Object.keys(changed).length === 0) return;
  const before = Object.fromEntries(Object.keys(changed).map((key) => [key, channel[key as keyof ChannelChanges]]));
  try {
    await services.db.$transaction(async (tx) => {
      await tx.channel.update({ where: { id: channelId }, data: changed });
      const action = changed.name === undefined ? "channel.topic_changed" : "channel.renamed";
      await auditChannel(tx, actor, action, channelId, { before, after: { ...changed } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
  await emitInformational(services, [{ type: "channelUpdated", channelId, actorId: actor.id, data: changed }]);
}

/** Idempotent: archiving an archived channel changes nothing and records nothing. */
export async function doSetArchived(services: Services, actor: Actor, channelId: string, archived: boolean) {
  await checkCanManage(services.db, actor, channelId);
  // Conditional, so two concurrent requests record one change, not two.
  const count = await services.db.$transaction(async (tx) => {
    const changed = await tx.channel.updateMany({
      where: { id: channelId, archivedAt: archived ? null : { not: null } },
      data: { archivedAt: archived ? new Date() : null },
    });
    if (changed.count > 0)
      await auditChannel(tx, actor, archived ? "channel.archived" : "channel.unarchived", channelId);
    return changed.count;
  });
  if (count === 0) return;
  await emitInformational(services, [{ type: "channelUpdated", channelId, actorId: actor.id, data: { archived } }]);
}

export interface Preferences {
  muted?: boolean | undefined;
  notifyLevel?: NotifyLevel | undefined;
}

export async function doSetPreferences(db: Db, actor: Actor, channelId: string, prefs: Preferences) {
  await checkIsMember(db, actor, channelId);
  const member = await db.channelMember.update({
    where: { channelId_userId: { channelId, userId: actor.id } },
    data: {
      ...(prefs.muted === undefined ? {} : { muted: prefs.muted }),
      ...(prefs.notifyLevel ? { notifyLevel: prefs.notifyLevel } : {}),
    },
  });
  return { muted: member.muted, notifyLevel: member.notifyLevel };
}

/**
 * Moves the user's read position in a channel forward to `seq`, never back, and never past the channel's
 * last sequence. Returns the position now stored. 404 for a missing channel, 403 `not_member`.
 * Shared by POST /api/channels/:id/read and the socket's markRead.
 */
export async function setReadPosition(db: Db, userId: string, channelId: string, seq: number): Promise<number> {
  const wanted = Math.max(0, Math.min(Math.trunc(seq), 2_147_483_647)); // the socket's schema has no upper bound
  const rows = await db.$queryRaw<{ lastReadSeq: number }[]>`
    UPDATE "ChannelMember" m SET "lastReadSeq" = GREATEST(m."lastReadSeq", LEAST(${wanted}::int, c."lastSeq"))
    FROM "Channel" c
    WHERE c.id = m."channelId" AND m."channelId" = ${channelId}::uuid AND m."userId" = ${userId}::uuid
    RETURNING m."lastReadSeq"`;
  const row = rows[0];
  if (row) return row.lastReadSeq;
  // No row: not a member, or one who joined this very moment (a rare path: Prisma is fine here).
  const member = await db.channelMember.findUnique({
    where: { channelId_userId: { channelId, userId } },
    select: { lastReadSeq: true },
  });
  if (member) return member.lastReadSeq;
  if (!(await db.channel.count({ where: { id: channelId } }))) throw notFound("Channel");
  throw forbidden("You are not a member of this channel.", "not_member");
}

/** setReadPosition, then tells the user's other tabs and devices (readState on every node). */
export async function doMarkRead(services: Services, userId: string, channelId: string, seq: number): Promise<number> {
  const position = await setReadPosition(services.db, userId, channelId, seq);
  await sendUserControl(services.bus, userId, { type: "readState", channelId, seq: position });
  return position;
}

/** A message of this channel, deleted through the messaging action (which lets workspace admins), with why. */
export async function doDeleteChannelMessage(
  services: Services,
  actor: SessionUser & { ip?: string | undefined },
  channelId: string,
  messageId: string,
  reason?: string,
) {
  const message = await checkMessage(services.sql, services.kv, messageId);
  if (message.channelId !== channelId) throw notFound("Message");
  const accepted = await deleteMessage(services, actor, messageId);
  // After the log took the deletion (the log, not this database, is where it becomes true). The text is
  // not kept: a deleted message is gone, its author and place are what the record needs.
  await auditChannel(
    services.db,
    actor,
    "channel.message_deleted",
    channelId,
    { messageId, authorId: message.authorId },
    reason,
  );
  return accepted;
}
