// The messages slice: per channel, the loaded history kept current through applyEvent (channel-messages.ts),
// plus this tab's own sends that are not in the log yet (pending, or failed with a retry).
import type { ChannelEvent, MessageView } from "api/client";
import { createSignal } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { api, read } from "../shared/http";
import { applyEvent, type ChannelMessages, fromHistory } from "./channel-messages";

const PAGE = 50;

export interface Pending {
  clientId: string;
  channelId: string;
  body: string;
  /** A reply in this thread. */
  parentId?: string;
  /** Ids of stored uploads that go with it. */
  attachments?: string[];
  status: "sending" | "failed";
  error?: string;
}

interface Loaded {
  state: ChannelMessages;
  hasMore: boolean;
  /** The sorted view and the version it was made at: one sort per change, not one per reader. */
  sorted?: { at: number; list: MessageView[] };
}

type Page = { messages: MessageView[]; hasMore: boolean; lastSeq: number };

async function fetchPage(channelId: string, before?: number, limit = PAGE): Promise<Page> {
  const query = before === undefined ? { limit: String(limit) } : { limit: String(limit), before: String(before) };
  return read<Page>(await api.api.channels[":id"].messages.$get({ param: { id: channelId }, query }));
}

export function createMessages() {
  const loaded = new Map<string, Loaded>();
  /** Events that arrived while a channel's first page was loading. */
  const early = new Map<string, ChannelEvent[]>();
  // applyEvent mutates its state in place; one version signal per change tells views to re-read.
  const [version, setVersion] = createSignal(0, { equals: false });
  const bump = () => setVersion((v) => v + 1);
  const [pending, setPending] = createStore<Pending[]>([]);
  // Sends not yet confirmed are kept in this browser, so a reload (or a crash) loses none of them: they
  // go out again with the same clientId, which the server never turns into a second message.
  let pendingKey: string | null = null;
  const savePending = () => {
    if (!pendingKey) return;
    try {
      localStorage.setItem(pendingKey, JSON.stringify(pending));
    } catch {
      // Storage full or denied: pending sends last as long as this page.
    }
  };

  function restorePending(userId: string) {
    pendingKey = `parley.pending.${userId}`;
    try {
      const saved = JSON.parse(localStorage.getItem(pendingKey) ?? "[]") as Pending[];
      if (Array.isArray(saved) && saved.length > 0)
        setPending(saved.filter((p) => typeof p?.clientId === "string").map((p) => ({ ...p, status: "sending" })));
    } catch {
      // Unreadable: nothing to restore.
    }
  }

  async function load(viewerId: string, channelId: string, force = false) {
    if (loaded.has(channelId) && !force) return loaded.get(channelId) as Loaded;
    // A reload (resync) starts over: events from now on wait in `early` for the new page.
    if (force) loaded.delete(channelId);
    early.set(channelId, early.get(channelId) ?? []);
    try {
      const page = await fetchPage(channelId);
      const entry: Loaded = { state: fromHistory(viewerId, page), hasMore: page.hasMore };
      for (const event of early.get(channelId) ?? []) applyEvent(entry.state, event);
      loaded.set(channelId, entry);
      bump();
      return entry;
    } finally {
      early.delete(channelId);
    }
  }

  async function loadOlder(channelId: string, limit = PAGE) {
    const entry = loaded.get(channelId);
    if (!entry?.hasMore) return;
    let oldest = Number.MAX_SAFE_INTEGER;
    for (const m of entry.state.messages.values()) oldest = Math.min(oldest, m.seq);
    const page = await fetchPage(channelId, oldest, limit);
    for (const m of page.messages) {
      if (entry.state.messages.has(m.id)) continue;
      entry.state.messages.set(m.id, m);
    }
    entry.hasMore = page.hasMore;
    bump();
  }

  /** Loads older pages until the message is loaded (a permalink or search hit), or none are left. */
  async function loadUntilId(channelId: string, messageId: string) {
    for (;;) {
      const entry = loaded.get(channelId);
      if (!entry?.hasMore || entry.state.messages.has(messageId)) return;
      await loadOlder(channelId, 200);
    }
  }

  function onEvent(event: ChannelEvent) {
    const entry = loaded.get(event.channelId);
    if (entry) applyEvent(entry.state, event);
    else early.get(event.channelId)?.push(event);
    if (event.type === "messageCreated") settle(event.data.clientId);
    if (entry) bump();
  }

  /** A pending send is done once its messageCreated arrived. */
  function settle(clientId: string) {
    if (pending.some((p) => p.clientId === clientId)) {
      setPending((list) => list.filter((p) => p.clientId !== clientId));
      savePending();
    }
  }

  /** Messages of a channel in seq order (reactive). */
  // The list, its call timeline and the composer each read it, and a switch to a channel re-reads it: with
  // 10,000 loaded a sort was a few milliseconds each time. Readers must not change the array.
  function view(channelId: string): readonly MessageView[] {
    const at = version();
    const entry = loaded.get(channelId);
    if (!entry) return [];
    if (entry.sorted?.at !== at)
      entry.sorted = { at, list: [...entry.state.messages.values()].sort((a, b) => a.seq - b.seq) };
    return entry.sorted.list;
  }

  // Each reads version() first, so it re-runs when the loaded state changes.
  const hasMore = (channelId: string) => version() >= 0 && (loaded.get(channelId)?.hasMore ?? false);
  const isLoaded = (channelId: string) => version() >= 0 && loaded.has(channelId);
  const lastSeq = (channelId: string) => (version() >= 0 ? (loaded.get(channelId)?.state.lastSeq ?? 0) : 0);
  const has = (channelId: string, messageId: string) => loaded.get(channelId)?.state.messages.has(messageId) ?? false;

  function addPending(p: Pending) {
    setPending((list) => [...list, p]);
    savePending();
  }
  function markPending(clientId: string, status: Pending["status"], error?: string) {
    setPending(
      (p) => p.clientId === clientId,
      produce((p) => {
        p.status = status;
        p.error = error;
      }),
    );
    savePending();
  }

  /** A channel I am no longer in: its history is not kept. */
  function drop(channelId: string) {
    if (loaded.delete(channelId)) bump();
  }

  function forget() {
    loaded.clear();
    pendingKey = null;
    setPending([]);
    bump();
  }

  return {
    load,
    settle,
    loadOlder,
    loadUntilId,
    restorePending,
    onEvent,
    view,
    hasMore,
    isLoaded,
    lastSeq,
    has,
    pending,
    addPending,
    markPending,
    drop,
    forget,
  };
}
export type MessagesSlice = ReturnType<typeof createMessages>;
