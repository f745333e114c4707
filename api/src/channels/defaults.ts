// Default channels: a workspace setting (a flag on public channels, #general out of the box) naming the
// channels a new account joins when it first gets in, by invite or by its set-password link.
import type { Actor as AdminActor } from "../admin/guard.js";
import { recordAudit } from "../audit/record.js";
import { AppError } from "../errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Services } from "../services.js";
import { checkNotConversation, loadChannel } from "./access.js";
import { announceMembership } from "./announce.js";
import { addMembers } from "./membership.js";

/** In the caller's transaction: adds the user to every default channel that is not archived. */
export async function joinDefaultChannels(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
  const channels = await tx.channel.findMany({
    where: { isDefault: true, archivedAt: null, kind: "public" },
    select: { id: true },
  });
  const joined: string[] = [];
  for (const { id } of channels) if ((await addMembers(tx, id, [userId])).length > 0) joined.push(id);
  return joined;
}

/** After the commit: each channel's log records the join and the user's sockets start receiving it. */
export async function announceDefaultJoins(services: Services, userId: string, channelIds: string[]) {
  for (const channelId of channelIds) await announceMembership(services, channelId, userId, { joined: [userId] });
}

/** Workspace admins (the route's guard): whether new accounts join this public channel. Idempotent. */
export async function doSetDefault(services: Services, actor: AdminActor, channelId: string, isDefault: boolean) {
  const channel = await loadChannel(services.db, channelId);
  checkNotConversation(channel);
  if (isDefault && channel.kind !== "public")
    throw new AppError(409, "not_public", "Only public channels can be default channels.");
  if (isDefault && channel.archivedAt)
    throw new AppError(409, "archived", "This channel is archived; unarchive it first.");
  await services.db.$transaction(async (tx) => {
    const { count } = await tx.channel.updateMany({
      where: { id: channelId, isDefault: !isDefault },
      data: { isDefault },
    });
    if (count === 0) return;
    await recordAudit(tx, {
      actorId: actor.id,
      action: "channel.default_changed",
      targetType: "channel",
      targetId: channelId,
      ip: actor.ip,
      details: { name: channel.name, isDefault },
    });
  });
}
