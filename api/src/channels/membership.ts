// Joining, leaving, inviting and removing members. Membership changes here, in PostgreSQL, before anything
// is announced; then the channel's log records memberJoined/memberLeft and the users' sockets are told.
import { AppError, badRequest, forbidden, notFound } from "../errors.js";
import type { ChannelRole } from "../generated/prisma/client.js";
import type { Db } from "../lib/prisma.js";
import { isWorkspaceAdmin } from "../messages/checks.js";
import type { Services } from "../services.js";
import {
  type Actor,
  checkCanManage,
  checkCanView,
  checkIsMember,
  checkNotArchived,
  checkNotConversation,
  checkNotGuest,
  loadChannel,
} from "./access.js";
import { announceMembership } from "./announce.js";

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

/** Public channels only, by oneself; guests are added by others. Joining twice changes nothing. */
export async function doJoin(services: Services, actor: Actor, channelId: string) {
  checkNotGuest(actor, "join channels themselves");
  const { channel, member } = await checkCanView(services.db, actor, channelId);
  if (member) return;
  if (channel.kind !== "public") throw forbidden("Only public channels can be joined without an invite.", "not_public");
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
  checkNotConversation(channel);
  if (channel.kind === "private") await checkCanManage(db, actor, channelId);
  else if (!isWorkspaceAdmin(actor)) await checkIsMember(db, actor, channelId);
  checkNotArchived(channel);
  const wanted = [...new Set(userIds)];
  await checkActiveUsers(db, wanted);
  const added = await addMembers(db, channelId, wanted);
  await announceMembership(services, channelId, actor.id, { joined: added });
  return added;
}

/** The channel's admins and workspace admins; removing oneself is leaving. */
export async function doKick(services: Services, actor: Actor, channelId: string, userId: string) {
  if (userId === actor.id) throw badRequest("use_leave", "To remove yourself, leave the channel.");
  await checkCanManage(services.db, actor, channelId);
  const { count } = await services.db.channelMember.deleteMany({ where: { channelId, userId } });
  if (count === 0) throw notFound("Member");
  await announceMembership(services, channelId, actor.id, { left: [userId] });
}
