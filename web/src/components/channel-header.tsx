import { Show } from "solid-js";
import { useStore } from "../store";

export function ChannelHeader(props: { channelId: string }) {
  const store = useStore();
  const channel = () => store.channels.byId(props.channelId);
  const dm = () => channel()?.kind === "dm" || channel()?.kind === "group";
  return (
    <header class="channel-header">
      <h1 data-testid="channel-name">
        {dm() ? "" : "# "}
        {channel()?.name ?? "…"}
      </h1>
      <Show when={channel()?.topic}>
        <p class="topic">{channel()?.topic}</p>
      </Show>
    </header>
  );
}
