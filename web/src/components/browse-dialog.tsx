import { useNavigate } from "@tanstack/solid-router";
import { createResource, createSignal, For, Show } from "solid-js";
import { api, read } from "../shared/http";
import { useStore } from "../store";
import { Modal } from "./modal";

interface Entry {
  id: string;
  name: string;
  topic: string;
  memberCount: number;
  joined: boolean;
}

async function browse(q: string) {
  const res = await api.api.channels.browse.$get({ query: q ? { q } : {} });
  return (await read<{ channels: Entry[] }>(res)).channels;
}

export function BrowseDialog(props: { onClose: () => void }) {
  const store = useStore();
  const navigate = useNavigate();
  const [q, setQ] = createSignal("");
  const [list] = createResource(q, browse);
  const [error, setError] = createSignal("");

  async function join(entry: Entry) {
    try {
      if (!entry.joined) await read(await api.api.channels[":id"].join.$post({ param: { id: entry.id } }));
      await store.channels.load();
      props.onClose();
      await navigate({ to: "/c/$channelId", params: { channelId: entry.id } });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <Modal title="Browse channels" onClose={props.onClose}>
      <label>
        Search
        <input type="search" placeholder="Channel name" onInput={(e) => setQ(e.currentTarget.value.trim())} />
      </label>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <ul class="directory">
        <For each={list() ?? []} fallback={<li class="muted">No channels</li>}>
          {(entry) => (
            <li>
              <div>
                <strong># {entry.name}</strong>
                <span class="muted small"> · {entry.memberCount} members</span>
                <div class="muted small">{entry.topic}</div>
              </div>
              <button type="button" onClick={() => join(entry)} data-testid={`join-${entry.name}`}>
                {entry.joined ? "Open" : "Join"}
              </button>
            </li>
          )}
        </For>
      </ul>
    </Modal>
  );
}
