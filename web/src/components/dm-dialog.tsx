import { useNavigate } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { api, read } from "../lib/api";
import { useStore } from "../store";
import { Modal } from "./modal";

/** Opens a DM with someone met in a channel (there is no people directory for members yet). */
export function DmDialog(props: { onClose: () => void }) {
  const store = useStore();
  const navigate = useNavigate();
  const [error, setError] = createSignal("");
  const people = () => store.presence.people().filter((p) => p.id !== store.session.user()?.id);

  async function open(userId: string) {
    try {
      const res = await api.api.dms.$post({ json: { userIds: [userId] } });
      const { channel } = await read<{ channel: { id: string } }>(res);
      await store.channels.load();
      props.onClose();
      await navigate({ to: "/c/$channelId", params: { channelId: channel.id } });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <Modal title="New direct message" onClose={props.onClose}>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <ul class="directory">
        <For each={people()} fallback={<li class="muted">Open a channel to meet its members.</li>}>
          {(p) => (
            <li>
              <span>
                <span class={`dot ${store.presence.status(p.id)}`} /> {p.name}
              </span>
              <button type="button" onClick={() => open(p.id)}>
                Message
              </button>
            </li>
          )}
        </For>
      </ul>
    </Modal>
  );
}
