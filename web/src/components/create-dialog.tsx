import { useNavigate } from "@tanstack/solid-router";
import { createSignal, Show } from "solid-js";
import { api, read } from "../shared/http";
import { useStore } from "../store";
import { Modal } from "./modal";

export function CreateDialog(props: { onClose: () => void }) {
  const store = useStore();
  const navigate = useNavigate();
  const [name, setName] = createSignal("");
  const [topic, setTopic] = createSignal("");
  const [priv, setPriv] = createSignal(false);
  const [error, setError] = createSignal("");

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setError("");
    try {
      const json = { kind: priv() ? ("private" as const) : ("public" as const), name: name(), topic: topic() };
      const { channel } = await read<{ channel: { id: string } }>(await api.api.channels.$post({ json }));
      await store.channels.load();
      props.onClose();
      await navigate({ to: "/c/$channelId", params: { channelId: channel.id } });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <Modal title="Create a channel" onClose={props.onClose}>
      <form onSubmit={submit}>
        <label>
          Name
          <input name="name" required placeholder="e.g. design" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Topic (optional)
          <input name="topic" onInput={(e) => setTopic(e.currentTarget.value)} />
        </label>
        <label class="inline">
          <input type="checkbox" onChange={(e) => setPriv(e.currentTarget.checked)} /> Private
        </label>
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <button type="submit" class="primary">
          Create
        </button>
      </form>
    </Modal>
  );
}
