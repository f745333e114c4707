// Sending, editing, deleting and reacting. Each action authorizes, then emits its channel event to the log;
// the persister stores it and only then is it delivered. The reply means "accepted": durably in the log,
// and from then on the message can be edited, deleted, reacted to and replied to (accepted.ts).
import { randomUUID } from "node:crypto";
import type { SessionUser } from "../accounts/sessions.js";
import { AppError, badRequest, forbidden } from "../errors.js";
import { checkAttachments } from "../files/actions.js";
import { enforceLimit } from "../lib/rate-limit.js";
import { MAX_HERE_MENTIONS, type PendingChannelEvent } from "../realtime/channel-events.js";
import { emitChannelEvents } from "../realtime/emit.js";
import type { Services } from "../services.js";
import { ACCEPTED_TTL_MS, acceptedReaction, rememberAccepted, rememberReaction } from "./accepted.js";
import { checkCanModerate, checkCanPost, checkCanSend, checkMessage } from "./checks.js";
import { isValidEmoji } from "./emoji.js";
import { parseMentions } from "./mentions.js";

export interface SendInput {
  channelId: string;
  clientId: string;
  body: string;
  parentId?: string | null | undefined;
  /** Ids of the sender's uploads to this channel, not sent yet. */
  attachments?: string[] | undefined;
}

export type HereResolver = (channelId: string) => Promise<string[]>;

const clientIdReused = () =>
  new AppError(409, "client_id_reused", "This clientId was already used for another message.");

async function limitSends(services: Services, actor: SessionUser) {
  await enforceLimit(services.kv, { name: "send", max: services.config.SEND_RATE_PER_10S, windowMs: 10_000 }, actor.id);
}

/** When to retry a send the log did not take (details.retryAfterMs of log_unavailable). */
export const LOG_RETRY_AFTER_MS = 1000;

async function emit(services: Services, events: PendingChannelEvent[], onQueued?: () => void) {
  try {
    await emitChannelEvents(services.log, events, onQueued);
  } catch (error) {
    services.logger.error({ err: error }, "could not append to the message log");
    throw new AppError(
      503,
      "log_unavailable",
      "The message log is unavailable; retry with the same clientId.",
      { retryAfterMs: LOG_RETRY_AFTER_MS },
      { "Retry-After": String(Math.ceil(LOG_RETRY_AFTER_MS / 1000)) },
    );
  }
}

/** `onQueued`: the event has its place in the log (emitChannelEvents); the socket's next frame may start. */
export async function sendMessage(
  services: Services,
  actor: SessionUser,
  input: SendInput,
  here?: HereResolver,
  onQueued?: () => void,
) {
  const { sql, kv } = services;
  const fileIds = input.attachments ?? [];
  // As the schema would answer it: only a message with files may have an empty body.
  if (!input.body && fileIds.length === 0)
    throw badRequest("invalid_request", "The request is invalid.", [
      { path: "body", message: "must not be empty (unless files are attached)" },
    ]);
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
    const parent = await checkMessage(sql, kv, input.parentId);
    if (parent.channelId !== input.channelId)
      throw badRequest("bad_parent", "Replies must be in their parent's channel.");
    if (parent.parentId) throw badRequest("bad_parent", "Reply to the thread's first message, not to a reply.");
  }
  const mentions = await resolveMentions(services, input.channelId, input.body, here);
  const attachments = await checkAttachments(sql, actor.id, input.channelId, fileIds);
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
      ...(attachments.length > 0 ? { attachments } : {}),
    },
  };
  // The reservation makes a retry on any node re-produce the SAME event (same ids), which the persister
  // stores once, rather than a second message. A crash between reserving and producing is thus healed by
  // the client's retry, and so is a send refused by the rate limit: its retry sends the reserved event.
  // The limit, the reservation and the record of the accepted message are asked in the same turn, so they
  // share one Redis round trip.
  const [, reserved] = await Promise.all([
    limitSends(services, actor),
    kv.setIfAbsent(`send:${actor.id}:${input.clientId}`, JSON.stringify(event), ACCEPTED_TTL_MS),
    rememberAccepted(kv, event),
  ]);
  const toEmit = reserved ? (JSON.parse(reserved) as PendingChannelEvent) : event;
  if (toEmit.type !== "messageCreated" || toEmit.channelId !== input.channelId) {
    throw clientIdReused();
  }
  if (reserved) await rememberAccepted(kv, toEmit); // a retry: the first try's record may have been lost
  await emit(services, [toEmit], onQueued);
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

// Membership comes first: someone outside the channel learns nothing about its messages (not_member, as
// for sending and reacting), only a member learns that a message is someone else's.
export async function editMessage(services: Services, actor: SessionUser, messageId: string, body: string) {
  const message = await checkMessage(services.sql, services.kv, messageId);
  await checkCanPost(services.sql, actor.id, message.channelId);
  if (message.authorId !== actor.id) throw forbidden("Only the author can edit a message.", "not_author");
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
  const message = await checkMessage(services.sql, services.kv, messageId);
  if (message.authorId !== actor.id) await checkCanModerate(services.sql, actor, message.channelId);
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
  const message = await checkMessage(services.sql, services.kv, messageId);
  await checkCanPost(services.sql, actor.id, message.channelId);
  await limitSends(services, actor);
  const existing =
    (await acceptedReaction(services.kv, messageId, actor.id, emoji)) ??
    (await hasStoredReaction(services, messageId, actor.id, emoji));
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
  await rememberReaction(services.kv, messageId, actor.id, emoji, !existing);
  return { messageId, emoji, added: !existing, status: "accepted" as const };
}

async function hasStoredReaction(services: Services, messageId: string, userId: string, emoji: string) {
  const { rowCount } = await services.sql.query(
    `SELECT 1 FROM "Reaction" WHERE "messageId" = $1::uuid AND "userId" = $2::uuid AND emoji = $3`,
    [messageId, userId, emoji],
  );
  return (rowCount ?? 0) > 0;
}
