// From facts to notifications: which candidates may hear of which message, one notification per person
// and channel per batch, and what it says. Pure; notifier.ts does the I/O around it.
import type { Attention } from "./attention.js";
import { bodyOf, messageUrl, type PushNotification, readableText, tagOf, titleOf } from "./content.js";
import type { BatchFacts, Member, MessageContext } from "./facts.js";
import { isDoNotDisturb } from "./quiet-hours.js";
import { type Decision, decide, mayNotify, type Why } from "./rules.js";

export interface Decided {
  message: MessageContext;
  member: Member;
  decision: Decision;
}

/** Pairs the rules could let through whatever the recipient is doing; attention is asked about these only. */
export function possiblePairs(facts: BatchFacts): { message: MessageContext; member: Member }[] {
  return facts.messages.flatMap((message) =>
    (facts.members.get(message.event.channelId) ?? [])
      .filter((member) => mayNotify(message.facts, member))
      .map((member) => ({ message, member })),
  );
}

export function decideAll(
  pairs: { message: MessageContext; member: Member }[],
  attention: ReadonlyMap<string, Attention>,
  now: Date,
): Decided[] {
  return pairs.map(({ message, member }) => ({
    message,
    member,
    decision: decide(message.facts, {
      userId: member.userId,
      level: member.level,
      muted: member.muted,
      activeInChannel: attention.get(member.userId)?.focused.has(message.event.channelId) ?? false,
      doNotDisturb: isDoNotDisturb(member, member.timeZone, now),
    }),
  }));
}

export interface Group {
  userId: string;
  channelId: string;
  /** The newest message of the batch for this person and channel: the one they see. */
  latest: MessageContext;
  why: Why;
  /** Every event of the batch this notification stands for. */
  eventIds: string[];
}

/** One notification per person and channel per batch (a burst in one batch is one notification). */
export function collapse(decided: Decided[]): Group[] {
  const groups = new Map<string, Group>();
  for (const { message, member, decision } of decided) {
    if (!decision.notify) continue;
    const key = `${member.userId}/${message.event.channelId}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        userId: member.userId,
        channelId: message.event.channelId,
        latest: message,
        why: decision.why,
        eventIds: [message.event.eventId],
      });
      continue;
    }
    group.eventIds.push(message.event.eventId);
    if (message.seq > group.latest.seq) {
      group.latest = message;
      group.why = decision.why;
    }
  }
  return [...groups.values()];
}

/** Names of a group DM's members but the recipient, for its title. */
export function otherMembers(facts: BatchFacts, channelId: string, userId: string): string[] {
  return (facts.members.get(channelId) ?? []).filter((m) => m.userId !== userId).map((m) => m.displayName);
}

export function notificationOf(
  group: Group,
  facts: BatchFacts,
  extra: { unread: number; alert: boolean; previews: boolean },
): PushNotification {
  const { event, channel } = group.latest;
  const author = facts.names.get(event.actorId) ?? "Someone";
  return {
    kind: "message",
    eventId: event.eventId,
    channelId: event.channelId,
    messageId: event.data.messageId,
    title: titleOf(channel, author, otherMembers(facts, channel.id, group.userId)),
    body: bodyOf(author, readableText(event.data.body, facts.names), extra.previews),
    tag: tagOf(event.channelId),
    unread: extra.unread,
    alert: extra.alert,
    url: messageUrl(event.channelId, event.data.messageId),
    why: group.why,
  };
}
