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
}

export function fromHistory(viewerId: string, page: { messages: MessageView[]; lastSeq: number }): ChannelMessages {
  return { viewerId, lastSeq: page.lastSeq, messages: new Map(page.messages.map((m) => [m.id, m])) };
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
        if (parent)
          state.messages.set(parentId, {
            ...parent,
            replyCount: parent.replyCount + 1,
            replierIds: [event.actorId, ...parent.replierIds.filter((id) => id !== event.actorId)].slice(0, 3),
            lastReplyAt: event.at,
          });
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
        replierIds: [],
        lastReplyAt: null,
        attachments: event.data.attachments ?? [],
      });
      return state;
    }
    case "messageEdited":
      return update(state, event.data.messageId, (m) =>
        m.deletedAt ? m : { ...m, body: event.data.body, editedAt: event.at },
      );
    case "messageDeleted":
      return update(state, event.data.messageId, (m) => ({
        ...m,
        body: "",
        deletedAt: event.at,
        reactions: [],
        attachments: [],
      }));
    case "attachmentRemoved": {
      const { messageId, fileId } = event.data;
      return update(state, messageId, (m) => ({ ...m, attachments: m.attachments.filter((a) => a.id !== fileId) }));
    }
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
  const reactions = message.reactions.map((r) => ({ ...r, userIds: [...r.userIds] }));
  let entry = reactions.find((r) => r.emoji === emoji);
  // The server keeps one reaction per user and emoji, and announces a removal only of one that exists.
  if (added) {
    if (entry?.userIds.includes(userId)) return state;
    if (!entry) {
      entry = { emoji, count: 0, me: false, userIds: [] };
      reactions.push(entry);
    }
    entry.userIds.push(userId);
  } else {
    if (!entry?.userIds.includes(userId)) return state;
    entry.userIds = entry.userIds.filter((u) => u !== userId);
  }
  entry.count = entry.userIds.length;
  entry.me = entry.userIds.includes(state.viewerId);
  state.messages.set(id, { ...message, reactions: reactions.filter((r) => r.count > 0) });
  return state;
}
