// Joining, leaving, inviting and removing members. Membership changes here, in PostgreSQL, before anything
// is announced; then the channel's log records memberJoined/memberLeft and the users' sockets are told.
import { AppError, badRequest, forbidden, notFound } from "../errors.js";
import type { ChannelRole } from "../generated/prisma/client.js";
import type { Db } from "../lib/prisma.js";
import { isWorkspaceAdmin } from "../messages/checks.js";
import type { Services } from "../services.js";
import { type Actor, checkCanManage, checkIsMember, checkNotArchived, checkNotGuest, loadChannel } from "./access.js";
import { announceMembership } from "./announce.js";
import { auditChannel } from "./audit.js";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Adds those of `userIds` who are not members yet and returns them. A newcomer's read position starts at
 * the channel's current end: joining a busy channel does not hand you its whole history as unread.
 */
export async function addMembers(db: Db | Tx, channelId: string, userIds: string[], role: ChannelRole = "member") {
  const rows = await db.$queryRaw<{ userId: string }[]>`
    INSERT INTO "ChannelMember" ("channelId", "userId", role, "lastReadSeq", "joinedAt")
    SELECT c.id, u.id, ${role}::"ChannelRole", c."lastSeq", ${new Date().toISOString()}::timestamp
    FROM "Channel" c, unnest(${userIds}::uuid[]) AS u(id)
    WHERE c.id = ${channelId}::uuid
    ON CONFLICT DO NOTHING RETURNING "userId"`;
  return rows.map((r) => r.userId);
}

/** Every id names a user who can use Parley now (not deactivated, not under a ban). */
export async function checkActiveUsers(db: Db, userIds: string[]) {
  const now = new Date();
  const users = await db.user.findMany({
    where: { id: { in: userIds } },
    select: { id: true, state: true, bannedUntil: true, role: true },
  });
  const missing = userIds.filter((id) => !users.some((u) => u.id === id));
  if (missing.length > 0) throw new AppError(404, "not_found", "User not found.", { userIds: missing });
  const inactive = users.filter(
    (u) => u.state === "deactivated" || (u.state === "banned" && !(u.bannedUntil && u.bannedUntil <= now)),
  );
  if (inactive.length > 0)
    throw new AppError(409, "user_inactive", "Deactivated and banned users cannot be added.", {
      userIds: inactive.map((u) => u.id),
    });
  return users;
}

/**
 * Public channels only, by oneself; guests are added by others. Joining twice changes nothing. Anything else
 * answers as a channel that does not exist: joining tells no outsider that a private channel or a
 * conversation is there.
 */
export async function doJoin(services: Services, actor: Actor, channelId: string) {
  checkNotGuest(actor, "join channels themselves");
  const channel = await loadChannel(services.db, channelId);
  const member = await services.db.channelMember.findUnique({
    where: { channelId_userId: { channelId, userId: actor.id } },
  });
  if (member) return;
  if (channel.kind !== "public") throw notFound("Channel");
  checkNotArchived(channel);
  const added = await addMembers(services.db, channelId, [actor.id]);
  await announceMembership(services, channelId, actor.id, { joined: added });
}

/** Any kind but a DM. A group DM someone left no longer stands for its old member set. */
export async function doLeave(services: Services, actor: Actor, channelId: string) {
  const { channel } = await checkIsMember(services.db, actor, channelId);
  if (channel.kind === "dm") throw new AppError(409, "not_for_conversations", "A direct message cannot be left.");
  const left = await services.db.$transaction(async (tx) => {
    const { count } = await tx.channelMember.deleteMany({ where: { channelId, userId: actor.id } });
    if (count > 0 && channel.kind === "group")
      await tx.channel.update({ where: { id: channelId }, data: { memberKey: null } });
    return count > 0;
  });
  if (left) await announceMembership(services, channelId, actor.id, { left: [actor.id] });
}

/** Public: any member (not guests). Private: the channel's admins and workspace admins. */
export async function doInvite(services: Services, actor: Actor, channelId: string, userIds: string[]) {
  const { db } = services;
  checkNotGuest(actor, "invite people");
  const channel = await loadChannel(db, channelId);
  // Private channels and conversations alike: only those who may see it hear what it is (access.ts). Only
  // members add people to a private channel: a workspace admin outside it cannot add anyone, nor
  // themselves, and so cannot read it (as in Slack).
  if (channel.kind !== "public") {
    const { member } = await checkCanManage(db, actor, channelId);
    if (!member) throw forbidden("Only members of a private channel can add people to it.", "not_member");
  } else if (!isWorkspaceAdmin(actor)) await checkIsMember(db, actor, channelId);
  checkNotArchived(channel);
  const wanted = [...new Set(userIds)];
  await checkActiveUsers(db, wanted);
  const added = await db.$transaction(async (tx) => {
    const rows = await addMembers(tx, channelId, wanted);
    if (rows.length > 0) await auditChannel(tx, actor, "channel.members_added", channelId, { userIds: rows });
    return rows;
  });
  await announceMembership(services, channelId, actor.id, { joined: added });
  return added;
}

/** The channel's admins and workspace admins; removing oneself is leaving. */
export async function doKick(services: Services, actor: Actor, channelId: string, userId: string) {
  if (userId === actor.id) throw badRequest("use_leave", "To remove yourself, leave the channel.");
  await checkCanManage(services.db, actor, channelId);
  const count = await services.db.$transaction(async (tx) => {
    const removed = await tx.channelMember.deleteMany({ where: { channelId, userId } });
    if (removed.count > 0) await auditChannel(tx, actor, "channel.member_removed", channelId, { userId });
    return removed.count;
  });
  if (count === 0) throw notFound("Member");
  await announceMembership(services, channelId, actor.id, { left: [userId] });
}
