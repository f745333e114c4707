// The threads slice: the one thread open in the side panel (its first message and replies, kept live by
// the channel's events), and this device's read position per thread for the Threads view.
import type { ChannelEvent, MessageView } from "api/client";
import { createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { api, read } from "../shared/http";
import { applyEvent, type ChannelMessages } from "./channel-messages";

interface OpenThread {
  rootId: string;
  channelId: string;
  /** Replies in seq order (the first message is kept in the channel's history, or here if not loaded there). */
  state: ChannelMessages;
}

/** Applies a channel event to one thread; replies are deduplicated by id, so a replay changes nothing. */
export function applyThreadEvent(state: ChannelMessages, rootId: string, event: ChannelEvent) {
  if (event.type === "messageCreated" && event.data.parentId === rootId) {
    if (state.messages.has(event.data.messageId)) return;
    state.messages.set(event.data.messageId, {
      id: event.data.messageId,
      channelId: event.channelId,
      seq: event.seq,
      authorId: event.actorId,
      body: event.data.body,
      parentId: rootId,
      replyCount: 0,
      createdAt: event.at,
      editedAt: null,
      deletedAt: null,
      reactions: [],
      replierIds: [],
      lastReplyAt: null,
      attachments: event.data.attachments ?? [],
    });
    const root = state.messages.get(rootId);
    if (root && root.seq < event.seq)
      state.messages.set(rootId, {
        ...root,
        replyCount: root.replyCount + 1,
        replierIds: [event.actorId, ...root.replierIds.filter((id) => id !== event.actorId)].slice(0, 3),
        lastReplyAt: event.at,
      });
    return;
  }
  // Other messages belong to the channel or other threads.
  if (event.type === "messageCreated") return;
  // Edits, deletions and reactions: the same as in a channel, without the seq gate (each is idempotent here).
  state.lastSeq = event.seq - 1;
  applyEvent(state, event);
}

const READ_KEY = "parley.threadsRead";

export interface MyThread {
  root: MessageView;
  lastReplySeq: number;
  lastReplyAuthorId: string;
  myLastReplySeq: number;
}

export function createThreads() {
  const [open, setOpen] = createSignal<OpenThread | null>(null);
  const [version, setVersion] = createSignal(0, { equals: false });
  const [error, setError] = createSignal("");
  let early: ChannelEvent[] | null = null;
  const [seen, setSeen] = createStore<Record<string, number>>(readSeen());
  const [mine, setMine] = createSignal<MyThread[]>([]);
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  /** The threads I take part in (GET /api/threads). */
  async function loadMine() {
    const res = await api.api.threads.$get({ query: {} });
    setMine((await read<{ threads: MyThread[] }>(res)).threads);
  }
  /** A reply arrived somewhere: the list is fetched again, at most once a second. */
  function refreshSoon() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      void loadMine().catch(() => {});
    }, 1000);
  }
  /** Replies by others after what I read here and after my own last reply. */
  const isUnread = (t: MyThread, meId: string) =>
    t.lastReplyAuthorId !== meId && t.lastReplySeq > Math.max(seen[t.root.id] ?? 0, t.myLastReplySeq);

  async function show(rootId: string, viewerId: string) {
    if (open()?.rootId === rootId) return;
    setOpen(null);
    setError("");
    early = [];
    try {
      const res = await api.api.messages[":id"].thread.$get({ param: { id: rootId }, query: { limit: "500" } });
      const page = await read<{ parent: MessageView; replies: MessageView[] }>(res);
      const state: ChannelMessages = {
        viewerId,
        lastSeq: 0,
        messages: new Map([page.parent, ...page.replies].map((m) => [m.id, m])),
      };
      for (const e of early) applyThreadEvent(state, page.parent.id, e);
      setOpen({ rootId: page.parent.id, channelId: page.parent.channelId, state });
      setVersion(0);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      early = null;
    }
  }

  function onEvent(event: ChannelEvent) {
    if (early) early.push(event);
    if (event.type === "messageCreated" && event.data.parentId) refreshSoon();
    const t = open();
    if (!t || t.channelId !== event.channelId) return;
    applyThreadEvent(t.state, t.rootId, event);
    setVersion(0);
  }

  /** The open thread's first message and replies, in seq order (reactive). */
  function messages(): MessageView[] {
    version();
    const t = open();
    return t ? [...t.state.messages.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  /** This device read a thread up to `seq` (its newest reply). */
  function markSeen(rootId: string, seq: number) {
    if ((seen[rootId] ?? 0) >= seq) return;
    setSeen(rootId, seq);
    try {
      localStorage.setItem(READ_KEY, JSON.stringify(seen));
    } catch {
      // Storage denied: the read positions last for this page.
    }
  }

  return {
    mine,
    loadMine,
    isUnread,
    unreadCount: (meId: string) => mine().filter((t) => isUnread(t, meId)).length,
    show,
    close: () => setOpen(null),
    openId: () => open()?.rootId ?? null,
    channelId: () => open()?.channelId ?? null,
    error,
    messages,
    onEvent,
    seenSeq: (rootId: string) => seen[rootId] ?? 0,
    markSeen,
    forget: () => {
      setOpen(null);
      setMine([]);
    },
  };
}

function readSeen(): Record<string, number> {
  try {
    const v = JSON.parse(localStorage.getItem(READ_KEY) ?? "{}") as unknown;
    return v && typeof v === "object" ? (v as Record<string, number>) : {};
  } catch {
    return {};
  }
}
export type ThreadsSlice = ReturnType<typeof createThreads>;
