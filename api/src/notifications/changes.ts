// An edited or deleted message updates or withdraws its notification where it is still the one shown: the
// channel's notification of each person shown it (dispatch.ts remembers both for SHOWN_TTL_MS). An edit
// replaces it quietly with the new text; a deletion takes it away (the service worker and open tabs close
// it; FCM cannot reach into a device's tray without the app, so mobile apps get it as data).

import type { PendingChannelEvent } from "../realtime/channel-events.js";
import type { Services } from "../services.js";
import { bodyOf, messageUrl, type PushNotification, readableText, tagOf, titleOf } from "./content.js";
import { type Draft, recipientsKey, shownKey } from "./dispatch.js";
import { type ChannelRow, channelsOf, NAMED, namesOf } from "./facts.js";

export type Change = Extract<PendingChannelEvent, { type: "messageEdited" | "messageDeleted" }>;

export async function draftsForChanges(services: Services, changes: Change[]): Promise<Draft[]> {
  if (changes.length === 0) return [];
  const { kv, sql } = services;
  const recipients = await kv.liveMembersOf(changes.map((c) => recipientsKey(c.data.messageId)));
  const pairs = changes.flatMap((change, i) => (recipients[i] ?? []).map((userId) => ({ change, userId })));
  if (pairs.length === 0) return [];
  const shown = await kv.getMany(pairs.map((p) => shownKey(p.userId, p.change.channelId)));
  const still = pairs.filter((p, i) => shown[i] === p.change.data.messageId);
  if (still.length === 0) return [];
  const edits = still.map((p) => p.change).filter((c) => c.type === "messageEdited");
  const named = edits.flatMap((e) => [
    e.actorId,
    ...[...e.data.body.matchAll(NAMED)].map((m) => (m[1] as string).toLowerCase()),
  ]);
  const [channels, names, groups] = await Promise.all([
    channelsOf(sql, [...new Set(still.map((p) => p.change.channelId))]),
    namesOf(sql, [...new Set([...named, ...still.map((p) => p.userId)])]),
    groupMembers(sql, [...new Set(still.map((p) => p.change.channelId))]),
  ]);
  return still.flatMap(({ change, userId }): Draft[] => {
    const channel = channels.get(change.channelId);
    if (!channel) return [];
    return [
      {
        userId,
        channelId: change.channelId,
        eventIds: [change.eventId],
        mayAlert: false,
        make: (extra) => notificationOfChange(change, channel, userId, names, groups, extra),
      },
    ];
  });
}

function notificationOfChange(
  change: Change,
  channel: ChannelRow,
  userId: string,
  names: ReadonlyMap<string, string>,
  groups: ReadonlyMap<string, { userId: string; displayName: string }[]>,
  extra: { unread: number; previews: boolean },
): PushNotification {
  const base = {
    eventId: change.eventId,
    channelId: change.channelId,
    messageId: change.data.messageId,
    tag: tagOf(change.channelId),
    unread: extra.unread,
    alert: false,
    url: messageUrl(change.channelId, change.data.messageId),
    why: "update" as const,
  };
  const author = names.get(change.actorId) ?? "Someone";
  const others = (groups.get(change.channelId) ?? []).filter((m) => m.userId !== userId).map((m) => m.displayName);
  const title = titleOf(channel, author, others);
  if (change.type === "messageDeleted") return { ...base, kind: "withdraw", title, body: "" };
  return {
    ...base,
    kind: "message",
    title,
    body: bodyOf(author, readableText(change.data.body, names), extra.previews),
  };
}

async function groupMembers(sql: Services["sql"], channelIds: string[]) {
  const { rows } = await sql.query<{ channelId: string; userId: string; displayName: string }>({
    name: "notify-group-members",
    text: `SELECT m."channelId", m."userId", u."displayName" FROM "ChannelMember" m
      JOIN "Channel" c ON c.id = m."channelId" AND c.kind = 'group'
      JOIN "User" u ON u.id = m."userId" WHERE m."channelId" = ANY($1::uuid[])`,
    values: [channelIds],
  });
  const groups = new Map<string, { userId: string; displayName: string }[]>();
  for (const row of rows) groups.set(row.channelId, [...(groups.get(row.channelId) ?? []), row]);
  return groups;
}
