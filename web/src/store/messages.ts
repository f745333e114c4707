// The messages slice: per channel, the loaded history kept current through applyEvent (channel-messages.ts),
// plus this tab's own sends that are not in the log yet (pending, or failed with a retry).
import type { ChannelEvent, MessageView } from "api/client";
import { createSignal } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { api, read } from "../lib/api";
import { applyEvent, type ChannelMessages, fromHistory } from "./channel-messages";

const PAGE = 50;

export interface Pending {
  clientId: string;
  channelId: string;
  body: string;
  status: "sending" | "failed";
  error?: string;
}

interface Loaded {
  state: ChannelMessages;
  hasMore: boolean;
}

type Page = { messages: MessageView[]; hasMore: boolean; lastSeq: number };

async function fetchPage(channelId: string, before?: number): Promise<Page> {
  const query = before === undefined ? { limit: String(PAGE) } : { limit: String(PAGE), before: String(before) };
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

  async function loadOlder(channelId: string) {
    const entry = loaded.get(channelId);
    if (!entry?.hasMore) return;
    const oldest = Math.min(...[...entry.state.messages.values()].map((m) => m.seq));
    const page = await fetchPage(channelId, oldest);
    for (const m of page.messages) {
      if (entry.state.messages.has(m.id)) continue;
      entry.state.messages.set(m.id, m);
      entry.state.known.set(
        m.id,
        new Map(m.reactions.filter((r) => r.me).map((r) => [r.emoji, new Set([entry.state.viewerId])])),
      );
    }
    entry.hasMore = page.hasMore;
    bump();
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
    if (pending.some((p) => p.clientId === clientId)) setPending((list) => list.filter((p) => p.clientId !== clientId));
  }

  /** Messages of a channel in seq order (reactive). */
  function view(channelId: string): MessageView[] {
    version();
    const entry = loaded.get(channelId);
    if (!entry) return [];
    return [...entry.state.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  // Each reads version() first, so it re-runs when the loaded state changes.
  const hasMore = (channelId: string) => version() >= 0 && (loaded.get(channelId)?.hasMore ?? false);
  const isLoaded = (channelId: string) => version() >= 0 && loaded.has(channelId);
  const lastSeq = (channelId: string) => (version() >= 0 ? (loaded.get(channelId)?.state.lastSeq ?? 0) : 0);
  const has = (channelId: string, messageId: string) => loaded.get(channelId)?.state.messages.has(messageId) ?? false;

  function addPending(p: Pending) {
    setPending((list) => [...list, p]);
  }
  function markPending(clientId: string, status: Pending["status"], error?: string) {
    setPending(
      (p) => p.clientId === clientId,
      produce((p) => {
        p.status = status;
        p.error = error;
      }),
    );
  }

  function forget() {
    loaded.clear();
    setPending([]);
    bump();
  }

  return {
    load,
    settle,
    loadOlder,
    onEvent,
    view,
    hasMore,
    isLoaded,
    lastSeq,
    has,
    pending,
    addPending,
    markPending,
    forget,
  };
}
export type MessagesSlice = ReturnType<typeof createMessages>;
