// Where people are looking: a user is online while any of their sockets is live (presence), and active in
// a channel while a focused tab of theirs shows it (each tab reports its focus: notify.setFocus). A focus
// report belongs to one socket and counts only while that socket is live, so a closed or crashed tab stops
// counting with its presence; it also expires after FOCUS_TTL_MS unless the tab renews it.
import type { Kv } from "../lib/kv.js";
import { socketsKey } from "../presence/announce.js";

/** A focused tab renews its report more often than this (the web client: every 4 minutes). */
export const FOCUS_TTL_MS = 10 * 60_000;

const focusKey = (connectionId: string) => `notify-focus:${connectionId}`;

export interface Attention {
  /** Some socket of theirs is live: an open tab can show the notification. */
  online: boolean;
  /** Channels a focused tab of theirs shows now. */
  focused: ReadonlySet<string>;
}

const AWAY: Attention = { online: false, focused: new Set() };

/** What this socket's tab shows while focused, or null (hidden, blurred, idle). */
export async function setFocus(kv: Kv, connectionId: string, channelId: string | null): Promise<void> {
  if (channelId) await kv.set(focusKey(connectionId), channelId, FOCUS_TTL_MS);
  else await kv.del(focusKey(connectionId));
}

/** Two batched reads however many users: their live sockets, then those sockets' focus. */
export async function attentionOf(kv: Kv, userIds: readonly string[]): Promise<Map<string, Attention>> {
  const users = [...new Set(userIds)];
  const sockets = await kv.liveMembersOf(users.map(socketsKey));
  const live = users.flatMap((userId, i) => (sockets[i] ?? []).map((connectionId) => ({ userId, connectionId })));
  const focus = await kv.getMany(live.map((s) => focusKey(s.connectionId)));
  const focused = new Map<string, Set<string>>();
  live.forEach((s, i) => {
    const channelId = focus[i];
    if (channelId) focused.set(s.userId, (focused.get(s.userId) ?? new Set()).add(channelId));
  });
  return new Map(
    users.map((userId, i) => [
      userId,
      (sockets[i] ?? []).length > 0 ? { online: true, focused: focused.get(userId) ?? new Set<string>() } : AWAY,
    ]),
  );
}
