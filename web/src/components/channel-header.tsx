import { createSignal, Show } from "solid-js";
import { CallButton } from "../calls/call-entry";
import { useStore } from "../store";
import { ChannelDetails, type DetailsTab } from "./channel-details";
import { ChannelNotifyMenu } from "./channel-notify-menu";
import { DrawerToggle } from "./drawer-toggle";

export function ChannelHeader(props: { channelId: string }) {
  const store = useStore();
  const channel = () => store.channels.byId(props.channelId);
  const dm = () => channel()?.kind === "dm" || channel()?.kind === "group";
  const [details, setDetails] = createSignal<DetailsTab | null>(null);
  return (
    <header class="channel-header">
      <div class="header-row">
        <DrawerToggle />
        <h1 data-testid="channel-name">
          {/* The visible name stays part of the button's name (WCAG 2.5.3). */}
          <button type="button" class="title-button" onClick={() => setDetails("about")}>
            <span class="sr-only">Channel details: </span>
            {dm() ? "" : "# "}
            {channel()?.name ?? "…"}
            <Show when={channel()?.kind === "private"}>
              <span class="lock" title="Private channel">
                {" "}
                🔒
              </span>
            </Show>
          </button>
        </h1>
        <button
          type="button"
          class="secondary members-button"
          data-testid="members-button"
          onClick={() => setDetails("members")}
        >
          Members
        </button>
        <button
          type="button"
          class="secondary members-button"
          data-testid="files-button"
          onClick={() => setDetails("files")}
        >
          Files
        </button>
        <CallButton channelId={props.channelId} />
        <ChannelNotifyMenu channelId={props.channelId} />
      </div>
      <Show when={channel()?.topic}>
        <p class="topic">{channel()?.topic}</p>
      </Show>
      <Show when={details()}>
        {(tab) => <ChannelDetails channelId={props.channelId} tab={tab()} onClose={() => setDetails(null)} />}
      </Show>
    </header>
  );
}
