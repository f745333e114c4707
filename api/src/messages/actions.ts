// Sending, editing, deleting and reacting. Each action authorizes, then emits its channel event to the log;
// the persister stores it and only then is it delivered. The reply means "accepted": durably in the log.
import { randomUUID } from "node:crypto";
import type { SessionUser } from "../accounts/sessions.js";
import { AppError, badRequest, forbidden } from "../errors.js";
import { enforceLimit } from "../lib/rate-limit.js";
import { MAX_HERE_MENTIONS, type PendingChannelEvent } from "../realtime/channel-events.js";
import { emitChannelEvents } from "../realtime/emit.js";
import type { Services } from "../services.js";
import { checkCanPost, checkCanSend, checkMessage, isWorkspaceAdmin } from "./checks.js";
import { isValidEmoji } from "./emoji.js";
import { parseMentions } from "./mentions.js";

const RESERVATION_MS = 24 * 60 * 60 * 1000;

export interface SendInput {
  channelId: string;
  clientId: string;
  body: string;
  parentId?: string | null | undefined;
}

export type HereResolver = (channelId: string) => Promise<string[]>;

const clientIdReused = () =>
  new AppError(409, "client_id_reused", "This clientId was already used for another message.");

async function limitSends(services: Services, actor: SessionUser) {
  await enforceLimit(services.kv, { name: "send", max: services.config.SEND_RATE_PER_10S, windowMs: 10_000 }, actor.id);
}

async function emit(services: Services, events: PendingChannelEvent[]) {
  try {
    await emitChannelEvents(services.log, events);
  } catch (error) {
    services.logger.error({ err: error }, "could not append to the message log");
    throw new AppError(503, "log_unavailable", "The message log is unavailable; retry with the same clientId.");
  }
}

export async function sendMessage(services: Services, actor: SessionUser, input: SendInput, here?: HereResolver) {
  const { sql, kv } = services;
  const stored = await checkCanSend(sql, actor.id, input.channelId, input.clientId);
  if (stored && stored.channelId !== input.channelId) throw clientIdReused();
  if (stored)
    return {
      messageId: stored.id,
      clientId: input.clientId,
      channelId: stored.channelId,
      status: "duplicate" as const,
    };
  if (input.parentId) {
    const parent = await checkMessage(sql, input.parentId);
    if (parent.channelId !== input.channelId)
      throw badRequest("bad_parent", "Replies must be in their parent's channel.");
    if (parent.parentId) throw badRequest("bad_parent", "Reply to the thread's first message, not to a reply.");
  }
  const mentions = await resolveMentions(services, input.channelId, input.body, here);
  const event: PendingChannelEvent = {
    type: "messageCreated",
    eventId: randomUUID(),
    at: new Date().toISOString(),
    channelId: input.channelId,
    actorId: actor.id,
    data: {
      messageId: randomUUID(),
      clientId: input.clientId,
      body: input.body,
      parentId: input.parentId ?? null,
      mentions,
    },
  };
  // The reservation makes a retry on any node re-produce the SAME event (same ids), which the persister
  // stores once, rather than a second message. A crash between reserving and producing is thus healed by
  // the client's retry, and so is a send refused by the rate limit: its retry sends the reserved event.
  // The limit and the reservation are asked in the same turn, so they share one Redis round trip.
  const [, reserved] = await Promise.all([
    limitSends(services, actor),
    kv.setIfAbsent(`send:${actor.id}:${input.clientId}`, JSON.stringify(event), RESERVATION_MS),
  ]);
  const toEmit = reserved ? (JSON.parse(reserved) as PendingChannelEvent) : event;
  if (toEmit.type !== "messageCreated" || toEmit.channelId !== input.channelId) {
    throw clientIdReused();
  }
  await emit(services, [toEmit]);
  return {
    messageId: toEmit.data.messageId,
    clientId: input.clientId,
    channelId: input.channelId,
    status: "accepted" as const,
  };
}

async function resolveMentions(services: Services, channelId: string, body: string, here?: HereResolver) {
  const parsed = parseMentions(body);
  const members = parsed.userIds.length
    ? (
        await services.sql.query<{ userId: string }>(
          `SELECT "userId" FROM "ChannelMember" WHERE "channelId" = $1::uuid AND "userId" = ANY($2::uuid[])`,
          [channelId, parsed.userIds],
        )
      ).rows
    : [];
  return {
    userIds: members.map((m) => m.userId),
    channel: parsed.channel,
    hereUserIds: parsed.here && here ? (await here(channelId)).slice(0, MAX_HERE_MENTIONS) : [],
  };
}

export async function editMessage(services: Services, actor: SessionUser, messageId: string, body: string) {
  const message = await checkMessage(services.sql, messageId);
  if (message.authorId !== actor.id) throw forbidden("Only the author can edit a message.", "not_author");
  await checkCanPost(services.sql, actor.id, message.channelId);
  await limitSends(services, actor);
  await emit(services, [
    {
      type: "messageEdited",
      eventId: randomUUID(),
      at: new Date().toISOString(),
      channelId: message.channelId,
      actorId: actor.id,
      data: { messageId, body },
    },
  ]);
  return { messageId, status: "accepted" as const };
}

export async function deleteMessage(services: Services, actor: SessionUser, messageId: string) {
  const message = await checkMessage(services.sql, messageId);
  if (message.authorId !== actor.id && !isWorkspaceAdmin(actor)) {
    const { rows } = await services.sql.query<{ role: string }>(
      `SELECT role FROM "ChannelMember" WHERE "channelId" = $1::uuid AND "userId" = $2::uuid`,
      [message.channelId, actor.id],
    );
    if (rows[0]?.role !== "admin") throw forbidden("Only the author or an admin can delete a message.", "not_author");
  }
  await emit(services, [
    {
      type: "messageDeleted",
      eventId: randomUUID(),
      at: new Date().toISOString(),
      channelId: message.channelId,
      actorId: actor.id,
      data: { messageId },
    },
  ]);
  return { messageId, status: "accepted" as const };
}

export async function toggleReaction(services: Services, actor: SessionUser, messageId: string, emoji: string) {
  if (!isValidEmoji(emoji)) throw badRequest("bad_emoji", "A reaction is one emoji or a :short_code:.");
  const message = await checkMessage(services.sql, messageId);
  await checkCanPost(services.sql, actor.id, message.channelId);
  await limitSends(services, actor);
  const { rowCount } = await services.sql.query(
    `SELECT 1 FROM "Reaction" WHERE "messageId" = $1::uuid AND "userId" = $2::uuid AND emoji = $3`,
    [messageId, actor.id, emoji],
  );
  const existing = (rowCount ?? 0) > 0;
  const type = existing ? "reactionRemoved" : "reactionAdded";
  await emit(services, [
    {
      type,
      eventId: randomUUID(),
      at: new Date().toISOString(),
      channelId: message.channelId,
      actorId: actor.id,
      data: { messageId, emoji },
    },
  ]);
  return { messageId, emoji, added: !existing, status: "accepted" as const };
}
