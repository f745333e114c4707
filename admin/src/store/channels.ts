// The channels slice: every public and private channel, searchable by name prefix; archive and rename.
import { createSignal } from "solid-js";
import { type Channel, gateway } from "../lib/api";
import { createPagedList } from "./paged";

export function createChannelsStore() {
  const [query, setQuery] = createSignal("");
  const list = createPagedList<Channel>(async (cursor) => {
    const page = await gateway.listChannels(query(), cursor);
    return { items: page.channels, nextCursor: page.nextCursor };
  });
  // The admin routes answer with the full channel; keep the directory row's own fields.
  const merge = (id: string, channel: Channel) => {
    const old = list.state.items.find((c) => c.id === id);
    list.upsert({ ...(old ?? channel), name: channel.name, archivedAt: channel.archivedAt });
  };
  return {
    query,
    list,
    search(q: string) {
      setQuery(q);
      return list.load();
    },
    async rename(id: string, name: string) {
      merge(id, (await gateway.renameChannel(id, name)).channel);
    },
    async setArchived(id: string, archived: boolean) {
      merge(id, (await gateway.setArchived(id, archived)).channel);
    },
    async setDefault(id: string, isDefault: boolean) {
      await gateway.setDefault(id, isDefault);
      const row = list.state.items.find((c) => c.id === id);
      if (row) list.upsert({ ...row, isDefault });
    },
    /** Member count changes (add, remove in the members panel) show in the table at once. */
    countMembers(id: string, delta: number) {
      const row = list.state.items.find((c) => c.id === id);
      if (row) list.upsert({ ...row, memberCount: row.memberCount + delta });
    },
  };
}
export type ChannelsStore = ReturnType<typeof createChannelsStore>;
