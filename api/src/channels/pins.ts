// Pinned messages: any member pins or unpins a message of the channel (as in Slack); whoever may read the
// channel sees its pins, newest first. A channel holds at most MAX_PINS. A pin is stored here, synchronously,
// then recorded in the channel's log (messagePinned, messageUnpinned) so members' clients update live; the
// event carries only the message id, and a client reads the list when it shows it.
import { AppError, badRequest, notFound } from "../errors.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import type { Db } from "../lib/prisma.js";
import type { Services } from "../services.js";
import { type Actor, checkCanView, checkIsMember, checkNotArchived } from "./access.js";
import { emitInformational } from "./announce.js";

export const MAX_PINS = 100;

async function checkPinnable(db: Db, actor: Actor, channelId: string, messageId: string) {
  const { channel } = await checkIsMember(db, actor, channelId);
  checkNotArchived(channel);
  const message = await db.message.findUnique({
    where: { id: messageId },
    select: { channelId: true, deletedAt: true },
  });
  if (!message || message.channelId !== channelId) throw notFound("Message");
  if (message.deletedAt) throw badRequest("deleted", "A deleted message cannot be pinned.");
}

/** Pins the message; pinning it again changes nothing (and announces nothing). */
export async function doPin(services: Services, actor: Actor, channelId: string, messageId: string) {
  const { db } = services;
  await checkPinnable(db, actor, channelId, messageId);
  if (await db.pin.findUnique({ where: { messageId } })) return;
  if ((await db.pin.count({ where: { channelId } })) >= MAX_PINS)
    throw new AppError(409, "too_many_pins", `A channel holds at most ${MAX_PINS} pins; unpin one first.`);
  try {
    await db.pin.create({ data: { messageId, channelId, pinnedById: actor.id } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return; // pinned at the same moment by someone else, who announces it
  }
  await emitInformational(services, [{ type: "messagePinned", channelId, actorId: actor.id, data: { messageId } }]);
}

export async function doUnpin(services: Services, actor: Actor, channelId: string, messageId: string) {
  const { db } = services;
  await checkIsMember(db, actor, channelId);
  const { count } = await db.pin.deleteMany({ where: { messageId, channelId } });
  if (count === 0) throw notFound("Pin");
  await emitInformational(services, [{ type: "messageUnpinned", channelId, actorId: actor.id, data: { messageId } }]);
}

/** The channel's pins, newest first, with each message as it is now (a deleted one drops out). */
export async function listPins(db: Db, actor: Actor, channelId: string) {
  await checkCanView(db, actor, channelId);
  const pins = await db.pin.findMany({
    where: { channelId, message: { deletedAt: null } },
    orderBy: [{ pinnedAt: "desc" }, { message: { seq: "desc" } }],
    select: {
      pinnedById: true,
      pinnedAt: true,
      message: {
        select: { id: true, seq: true, authorId: true, body: true, parentId: true, createdAt: true, editedAt: true },
      },
    },
  });
  return pins.map((p) => ({
    pinnedById: p.pinnedById,
    pinnedAt: p.pinnedAt.toISOString(),
    message: {
      ...p.message,
      createdAt: p.message.createdAt.toISOString(),
      editedAt: p.message.editedAt?.toISOString() ?? null,
    },
  }));
}
