// The channels slice: the sidebar list with unread and mention counts, kept current by channel events
// and readState frames, and which channel is being viewed.
import type { ChannelEvent } from "api/client";
import { createSignal } from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import { api, read } from "../shared/http";

export interface MyChannel {
  id: string;
  kind: "public" | "private" | "dm" | "group";
  name: string;
  topic: string;
  otherMembers: { id: string; displayName: string }[];
  lastSeq: number;
  lastReadSeq: number;
  unreadCount: number;
  mentionCount: number;
  /** Notifications (store/notifications.ts): the channel muted, and what it notifies of. */
  muted: boolean;
  notifyLevel: "all" | "mentions" | "nothing";
  /** My role in it: a channel's admins manage its members. */
  role: "admin" | "member";
}

/**
 * A channel as the server's list answered it, merged with the one held here. Events may have arrived while
 * the list was loading: where we hold a later position than the answer, our counts include those events
 * and the answer's do not (the events will not come again), so ours are kept; otherwise the answer's are.
 * Read positions only move forward: one of ours the answer has not seen yet (a markRead still on its way
 * when the server answered) stays, so what was read stays read.
 */
export function mergeLoaded(answer: MyChannel, mine: MyChannel | undefined): MyChannel {
  if (!mine) return answer;
  const counts = mine.lastSeq > answer.lastSeq ? mine : answer;
  const lastSeq = Math.max(answer.lastSeq, mine.lastSeq);
  const lastReadSeq = Math.max(answer.lastReadSeq, mine.lastReadSeq);
  const allRead = lastReadSeq >= lastSeq;
  return {
    ...answer,
    lastSeq,
    lastReadSeq,
    unreadCount: allRead ? 0 : counts.unreadCount,
    mentionCount: allRead ? 0 : counts.mentionCount,
  };
}

export function createChannels() {
  const [list, setList] = createStore<MyChannel[]>([]);
  const [activeId, setActiveId] = createSignal<string | null>(null);

  async function load() {
    const { channels } = await read<{ channels: MyChannel[] }>(await api.api.channels.$get());
    const held = new Map(list.map((c) => [c.id, c]));
    setList(
      reconcile(
        channels.map((c) => mergeLoaded(c, held.get(c.id))),
        { key: "id" },
      ),
    );
  }

  const byId = (id: string) => list.find((c) => c.id === id);

  /** Channels I am no longer in leave the sidebar at once (the reload that follows confirms it). */
  function drop(ids: string[]) {
    if (list.some((c) => ids.includes(c.id))) setList((all) => all.filter((c) => !ids.includes(c.id)));
  }

  function onEvent(event: ChannelEvent, meId: string) {
    setList(
      (c) => c.id === event.channelId,
      produce((c) => {
        if (event.seq <= c.lastSeq) return;
        c.lastSeq = event.seq;
        if (event.type !== "messageCreated" || event.data.parentId || event.actorId === meId) return;
        if (event.channelId === activeId() && document.visibilityState === "visible") return;
        c.unreadCount += 1;
        const m = event.data.mentions;
        if (m?.channel || m?.userIds.includes(meId) || m?.hereUserIds.includes(meId) || c.kind === "dm")
          c.mentionCount += 1;
      }),
    );
  }

  /** Our read position moved (here, another tab or device). */
  function onRead(channelId: string, seq: number) {
    setList(
      (c) => c.id === channelId,
      produce((c) => {
        c.lastReadSeq = Math.max(c.lastReadSeq, seq);
        if (c.lastReadSeq >= c.lastSeq) {
          c.unreadCount = 0;
          c.mentionCount = 0;
        }
      }),
    );
  }

  /** The seq a history page reached, so resume positions never go back. */
  function reached(channelId: string, seq: number) {
    setList((c) => c.id === channelId && c.lastSeq < seq, "lastSeq", seq);
  }

  /** Notification settings as the server now has them. */
  function setPreferences(channelId: string, prefs: Pick<MyChannel, "muted" | "notifyLevel">) {
    setList((c) => c.id === channelId, prefs);
  }

  const positions = () => Object.fromEntries(list.map((c) => [c.id, c.lastSeq]));

  return { list, byId, drop, activeId, setActiveId, load, onEvent, onRead, reached, positions, setPreferences };
}
export type ChannelsSlice = ReturnType<typeof createChannels>;
