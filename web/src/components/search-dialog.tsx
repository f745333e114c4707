import { useNavigate } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { api, read } from "../shared/http";
import { useStore } from "../store";
import { Modal } from "./modal";

interface Hit {
  id: string;
  channelId: string;
  authorId: string;
  parentId: string | null;
  body: string;
  createdAt: string;
}

/** Full-text search over my channels (GET /api/search), newest first. */
export function SearchDialog(props: { onClose: () => void }) {
  const store = useStore();
  const navigate = useNavigate();
  const [q, setQ] = createSignal("");
  const [hits, setHits] = createSignal<Hit[] | null>(null);
  const [error, setError] = createSignal("");

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (!q().trim()) return;
    setError("");
    try {
      setHits((await read<{ hits: Hit[] }>(await api.api.search.$get({ query: { q: q().trim() } }))).hits);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  async function open(hit: Hit) {
    props.onClose();
    // The message in context, highlighted; a reply opens its thread beside the channel.
    const search = hit.parentId ? { m: hit.parentId, thread: hit.parentId } : { m: hit.id };
    await navigate({ to: "/c/$channelId", params: { channelId: hit.channelId }, search });
  }

  return (
    <Modal title="Search messages" onClose={props.onClose}>
      <form onSubmit={submit}>
        <label>
          Search for
          <input type="search" onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
      </form>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={hits()}>
        {(list) => (
          <ul class="directory">
            <For each={list()} fallback={<li class="muted">No messages match.</li>}>
              {(hit) => (
                <li>
                  <div>
                    <div class="muted small">
                      # {store.channels.byId(hit.channelId)?.name ?? "channel"} ·{" "}
                      {store.presence.name(hit.authorId) ?? "someone"}
                    </div>
                    <div>{hit.body}</div>
                  </div>
                  <button type="button" onClick={() => open(hit)}>
                    Open
                  </button>
                </li>
              )}
            </For>
          </ul>
        )}
      </Show>
    </Modal>
  );
}
