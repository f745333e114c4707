// Direct messages (2 members) and group DMs (3–8): one channel per member set, found again through
// Channel.memberKey (the sorted member ids), so opening the same set twice, in any order, is the same chat.
import { badRequest, forbidden } from "../errors.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import type { Db } from "../lib/prisma.js";
import type { Services } from "../services.js";
import { workspaceSettings } from "../workspace/cache.js";
import { type Actor, isGuest } from "./access.js";
import { announceMembership } from "./announce.js";
import { checkActiveUsers } from "./membership.js";

export const MAX_GROUP_MEMBERS = 8;

/** Returns the channel of exactly this member set (the caller and `userIds`), creating it if need be. */
export async function doOpenDm(services: Services, actor: Actor, userIds: string[]) {
  const { db } = services;
  const others = [...new Set(userIds)].filter((id) => id !== actor.id);
  if (others.length === 0) throw badRequest("no_members", "Name at least one other person.");
  if (others.length + 1 > MAX_GROUP_MEMBERS)
    throw badRequest("too_many_members", `A group DM has at most ${MAX_GROUP_MEMBERS} members.`);
  const members = [actor.id, ...others].sort();
  const memberKey = members.join(",");

  const existing = await db.channel.findUnique({ where: { memberKey }, select: { id: true } });
  if (existing) return { channelId: existing.id, created: false };

  await checkActiveUsers(db, others);
  if (isGuest(actor)) {
    // A workspace setting: guests may answer in conversations others started, but start none themselves.
    if (!(await workspaceSettings(services).get()).guestsCanStartDms)
      throw forbidden("Guests cannot start conversations in this workspace.", "guest_restricted");
    await checkSharesChannels(db, actor.id, others);
  }
  try {
    const channel = await db.channel.create({
      data: {
        kind: members.length === 2 ? "dm" : "group",
        memberKey,
        createdById: actor.id,
        // Every message of a DM is addressed to its members: they hear of all of them (notifications).
        members: { create: members.map((userId) => ({ userId, notifyLevel: "all" as const })) },
      },
      select: { id: true },
    });
    await announceMembership(services, channel.id, actor.id, { joined: members });
    return { channelId: channel.id, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Someone opened the same set at the same moment: theirs is ours.
    const raced = await db.channel.findUniqueOrThrow({ where: { memberKey }, select: { id: true } });
    return { channelId: raced.id, created: false };
  }
}

/** Guests may write only to people they already meet in a channel (as in Mattermost). */
async function checkSharesChannels(db: Db, guestId: string, others: string[]) {
  const rows = await db.$queryRaw<{ userId: string }[]>`
    SELECT DISTINCT o."userId" FROM "ChannelMember" g
    JOIN "ChannelMember" o ON o."channelId" = g."channelId" AND o."userId" = ANY(${others}::uuid[])
    WHERE g."userId" = ${guestId}::uuid`;
  if (rows.length < others.length)
    throw forbidden("Guests can message only people in their channels.", "guest_restricted");
}
