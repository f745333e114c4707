// Who may see and manage a channel. Every channel route and action goes through these.
//
// Reading: members, and (like Slack and Mattermost) any non-guest for a public channel, as a preview.
// Guests see only channels they were added to. Managing: the channel's admins and workspace admins.
import type { SessionUser } from "../accounts/sessions.js";
import { AppError, forbidden, notFound } from "../errors.js";
import type { Channel, ChannelMember } from "../generated/prisma/client.js";
import type { Db } from "../lib/prisma.js";
import { isWorkspaceAdmin } from "../messages/checks.js";

/** Who acts; `ip` (the client's address) goes into the audit log when the action is audited. */
export type Actor = Pick<SessionUser, "id" | "role"> & { ip?: string | undefined };
export type Viewed = { channel: Channel; member: ChannelMember | null };

export const isGuest = (user: Pick<SessionUser, "role">) => user.role === "guest";
export const isConversation = (channel: Pick<Channel, "kind">) => channel.kind === "dm" || channel.kind === "group";

export function checkNotGuest(actor: Actor, what: string) {
  if (isGuest(actor)) throw forbidden(`Guests cannot ${what}.`, "guest_restricted");
}

export async function loadChannel(db: Db, channelId: string): Promise<Channel> {
  const channel = await db.channel.findUnique({ where: { id: channelId } });
  if (!channel) throw notFound("Channel");
  return channel;
}

/** The channel and the caller's membership; 404 when it does not exist, 403 `not_member` when not theirs. */
export async function checkCanView(db: Db, actor: Actor, channelId: string): Promise<Viewed> {
  const channel = await loadChannel(db, channelId);
  const member = await db.channelMember.findUnique({ where: { channelId_userId: { channelId, userId: actor.id } } });
  if (member || (channel.kind === "public" && !isGuest(actor))) return { channel, member };
  throw forbidden("You are not a member of this channel.", "not_member");
}

/** Like checkCanView, but only members pass. */
export async function checkIsMember(db: Db, actor: Actor, channelId: string) {
  const viewed = await checkCanView(db, actor, channelId);
  if (!viewed.member) throw forbidden("You are not a member of this channel.", "not_member");
  return { channel: viewed.channel, member: viewed.member };
}

/**
 * The channel's admins and workspace admins/owners manage it (no one manages a DM or group DM). Only its
 * members and workspace admins hear that a conversation is one: to anyone else it answers as a private
 * channel does.
 */
export async function checkCanManage(db: Db, actor: Actor, channelId: string): Promise<Viewed> {
  const channel = await loadChannel(db, channelId);
  const member = await db.channelMember.findUnique({ where: { channelId_userId: { channelId, userId: actor.id } } });
  if (member || isWorkspaceAdmin(actor)) checkNotConversation(channel);
  if (isWorkspaceAdmin(actor) || member?.role === "admin") return { channel, member };
  throw forbidden("Only the channel's admins and workspace admins may do that.", "not_channel_admin");
}

export function checkNotConversation(channel: Pick<Channel, "kind">) {
  if (isConversation(channel))
    throw new AppError(409, "not_for_conversations", "Direct and group messages have no such setting.");
}

export function checkNotArchived(channel: Pick<Channel, "archivedAt">) {
  if (channel.archivedAt) throw new AppError(409, "archived", "This channel is archived; unarchive it first.");
}
