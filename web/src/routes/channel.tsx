// One channel: the loader loads its history (and its members' names); the view keeps it live.
import { createRoute } from "@tanstack/solid-router";
import { onCleanup } from "solid-js";
import { ChannelHeader } from "../components/channel-header";
import { Composer } from "../components/composer";
import { MessageList } from "../components/message-list";
import { TypingIndicator } from "../components/typing-indicator";
import { useStore } from "../store";
import { appRoute } from "./app";

function ChannelPage() {
  const store = useStore();
  const params = channelRoute.useParams();
  const id = () => params().channelId;
  const onVisible = () => {
    if (document.visibilityState === "visible") store.markRead(id());
  };
  document.addEventListener("visibilitychange", onVisible);
  onCleanup(() => {
    document.removeEventListener("visibilitychange", onVisible);
    store.channels.setActiveId(null);
  });
  return (
    <main class="main">
      <ChannelHeader channelId={id()} />
      <MessageList channelId={id()} />
      <TypingIndicator channelId={id()} />
      <Composer channelId={id()} />
    </main>
  );
}

export const channelRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/c/$channelId",
  loader: ({ context: { store }, params }) => store.open(params.channelId),
  component: ChannelPage,
});
