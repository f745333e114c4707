// The moderation slice: the channel being looked at and its recent messages; a deletion takes the row out
// as soon as the API accepted it (members see it go through their sockets).
import { createSignal } from "solid-js";
import { type Channel, gateway, type ModeratedMessage } from "../lib/api";
import { createPagedList } from "./paged";

export function createModerationStore() {
  const [channel, setChannel] = createSignal<Pick<Channel, "id" | "name" | "kind"> | null>(null);
  const messages = createPagedList<ModeratedMessage>(async (cursor) => {
    const id = channel()?.id;
    if (!id) return { items: [], nextCursor: null };
    const page = await gateway.channelMessages(id, cursor);
    return { items: page.messages, nextCursor: page.nextCursor };
  });
  const [matches, setMatches] = createSignal<Channel[]>([]);
  return {
    channel,
    messages,
    matches,
    async find(q: string) {
      setMatches(q.trim() ? (await gateway.listChannels(q.trim())).channels : []);
    },
    async open(id: string) {
      if (channel()?.id !== id) {
        const known = matches().find((c) => c.id === id);
        setChannel(known ?? { id, name: "", kind: "public" });
      }
      await messages.load();
      const first = messages.state.items[0];
      if (first && !channel()?.name) setChannel({ id, name: first.channel.name, kind: first.channel.kind });
    },
    async remove(message: ModeratedMessage, reason: string) {
      await gateway.deleteMessage(message.channel.id, message.id, reason);
      messages.drop(message.id);
    },
  };
}
