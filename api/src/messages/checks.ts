// Who may post, edit and moderate. Every socket request and HTTP route goes through these.
import type { SessionUser } from "../accounts/sessions.js";
import { AppError, forbidden, notFound } from "../errors.js";
import type { Db } from "../lib/prisma.js";

export const isWorkspaceAdmin = (user: Pick<SessionUser, "role">) => user.role === "owner" || user.role === "admin";

/** The caller's membership of the channel; 404 for a channel that does not exist, 403 for a non-member. */
export async function checkMember(db: Db, userId: string, channelId: string) {
  const member = await db.channelMember.findUnique({
    where: { channelId_userId: { channelId, userId } },
    include: { channel: { select: { id: true, kind: true, archivedAt: true, lastSeq: true } } },
  });
  if (member) return member;
  const exists = await db.channel.count({ where: { id: channelId } });
  if (!exists) throw notFound("Channel");
  throw forbidden("You are not a member of this channel.", "not_member");
}

/** A member of a channel that is not archived. */
export async function checkCanPost(db: Db, userId: string, channelId: string) {
  const member = await checkMember(db, userId, channelId);
  if (member.channel.archivedAt)
    throw new AppError(409, "archived", "This channel is archived; nothing can be posted.");
  return member;
}

export async function checkMessage(db: Db, messageId: string) {
  const message = await db.message.findUnique({ where: { id: messageId } });
  if (!message || message.deletedAt) throw notFound("Message");
  return message;
}
