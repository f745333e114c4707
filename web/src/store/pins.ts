// The pins slice: each opened channel's pinned messages (GET /api/channels/{id}/pins), read when the
// channel opens and read again when its log says a pin changed (messagePinned, messageUnpinned) or a pinned
// message was edited or deleted. The events carry only the message id, so the list is re-read, not patched.
import type { ChannelEvent } from "api/client";
import { createStore } from "solid-js/store";
import { api, read } from "../shared/http";

export interface Pin {
  pinnedById: string;
  pinnedAt: string;
  message: {
    id: string;
    seq: number;
    authorId: string;
    body: string;
    parentId: string | null;
    createdAt: string;
    editedAt: string | null;
  };
}

export function createPins() {
  const [byChannel, setByChannel] = createStore<Record<string, Pin[]>>({});
  const reading = new Map<string, Promise<void>>();
  /** A change arrived while the list was being read: read once more when that read ends. */
  const stale = new Set<string>();

  function load(channelId: string): Promise<void> {
    const running = reading.get(channelId);
    if (running) {
      stale.add(channelId);
      return running;
    }
    const done = api.api.channels[":id"].pins
      .$get({ param: { id: channelId } })
      .then((res) => read<{ pins: Pin[] }>(res))
      .then(
        ({ pins }) => setByChannel(channelId, pins),
        () => {}, // not readable (left, removed): the list stays as it was; the channel goes from the sidebar
      )
      .finally(() => {
        reading.delete(channelId);
        if (stale.delete(channelId)) void load(channelId);
      });
    reading.set(channelId, done);
    return done;
  }

  const pinOf = (channelId: string, messageId: string) => byChannel[channelId]?.find((p) => p.message.id === messageId);

  function onEvent(event: ChannelEvent) {
    if (!byChannel[event.channelId]) return;
    if (event.type === "messagePinned" || event.type === "messageUnpinned") void load(event.channelId);
    else if (
      (event.type === "messageEdited" || event.type === "messageDeleted") &&
      pinOf(event.channelId, event.data.messageId)
    )
      void load(event.channelId);
  }

  async function pin(channelId: string, messageId: string) {
    await read(await api.api.channels[":id"].pins.$post({ param: { id: channelId }, json: { messageId } }));
    await load(channelId);
  }

  async function unpin(channelId: string, messageId: string) {
    await read(await api.api.channels[":id"].pins[":messageId"].$delete({ param: { id: channelId, messageId } }));
    await load(channelId);
  }

  return {
    load,
    onEvent,
    pin,
    unpin,
    /** The channel's pins, newest first (undefined until read). */
    of: (channelId: string): Pin[] | undefined => byChannel[channelId],
    pinOf,
    drop: (channelId: string) => setByChannel(channelId, undefined as unknown as Pin[]),
  };
}

export type PinsSlice = ReturnType<typeof createPins>;
