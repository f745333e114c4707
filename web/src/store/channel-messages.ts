// One channel's top-level messages as the web client holds them: loaded from history over HTTP, then
// kept current by applying channel events in seq order. Applying the events to an older page must give
// exactly what a fresh history fetch gives (web/test/apply-events.test.ts proves it for every kind).
import type { ChannelEvent, MessageView } from "api/client";

export interface ChannelMessages {
  viewerId: string;
  /** The seq of the last event applied (or the history page's lastSeq). */
  lastSeq: number;
  /** Top-level messages by id, in seq order of insertion. */
  messages: Map<string, MessageView>;
  /**
   * Users known to have reacted, per message and emoji, since the page was loaded (history gives counts,
   * not names). The server keeps one row per user and emoji, so a repeated add from a known user is not
   * counted twice.
   */
  known: Map<string, Map<string, Set<string>>>;
}

export function fromHistory(viewerId: string, page: { messages: MessageView[]; lastSeq: number }): ChannelMessages {
  const known = new Map<string, Map<string, Set<string>>>();
  for (const m of page.messages) {
    known.set(m.id, new Map(m.reactions.filter((r) => r.me).map((r) => [r.emoji, new Set([viewerId])])));
  }
  return { viewerId, lastSeq: page.lastSeq, messages: new Map(page.messages.map((m) => [m.id, m])), known };
}

/** Applies one event; events at or below lastSeq were applied already and are ignored. */
export function applyEvent(state: ChannelMessages, event: ChannelEvent): ChannelMessages {
  if (event.seq <= state.lastSeq) return state;
  state.lastSeq = event.seq;
  switch (event.type) {
    case "messageCreated": {
      const { messageId, body, parentId } = event.data;
      if (parentId) {
        const parent = state.messages.get(parentId);
        if (parent) state.messages.set(parentId, { ...parent, replyCount: parent.replyCount + 1 });
        return state;
      }
      state.messages.set(messageId, {
        id: messageId,
        channelId: event.channelId,
        seq: event.seq,
        authorId: event.actorId,
        body,
        parentId: null,
        replyCount: 0,
        createdAt: event.at,
        editedAt: null,
        deletedAt: null,
        reactions: [],
      });
      return state;
    }
    case "messageEdited":
      return update(state, event.data.messageId, (m) =>
        m.deletedAt ? m : { ...m, body: event.data.body, editedAt: event.at },
      );
    case "messageDeleted":
      return update(state, event.data.messageId, (m) => ({ ...m, body: "", deletedAt: event.at, reactions: [] }));
    case "reactionAdded":
    case "reactionRemoved":
      return react(state, event.data.messageId, event.data.emoji, event.actorId, event.type === "reactionAdded");
    default:
      return state;
  }
}

function update(state: ChannelMessages, id: string, change: (m: MessageView) => MessageView): ChannelMessages {
  const message = state.messages.get(id);
  if (message) state.messages.set(id, change(message));
  return state;
}

function react(state: ChannelMessages, id: string, emoji: string, userId: string, added: boolean): ChannelMessages {
  const message = state.messages.get(id);
  if (!message || message.deletedAt) return state;
  const byEmoji = state.known.get(id) ?? new Map<string, Set<string>>();
  state.known.set(id, byEmoji);
  const users = byEmoji.get(emoji) ?? new Set<string>();
  byEmoji.set(emoji, users);
  const reactions = message.reactions.map((r) => ({ ...r }));
  let entry = reactions.find((r) => r.emoji === emoji);
  const isViewer = userId === state.viewerId;
  if (added) {
    if (users.has(userId)) return state;
    users.add(userId);
    if (!entry) {
      entry = { emoji, count: 0, me: false };
      reactions.push(entry);
    }
    entry.count += 1;
    if (isViewer) entry.me = true;
  } else {
    // The server emits a removal only for a reaction that exists; the viewer's own state is always known.
    if (!entry || (isViewer && !entry.me)) return state;
    users.delete(userId);
    entry.count -= 1;
    if (isViewer) entry.me = false;
  }
  state.messages.set(id, { ...message, reactions: reactions.filter((r) => r.count > 0) });
  return state;
}
