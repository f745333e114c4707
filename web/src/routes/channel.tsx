// One channel: the loader loads its history (and its members' names); the view keeps it live. `?m=` opens
// a message in context (permalinks, search hits, notifications), `?thread=` a thread beside it.
import { createRoute, useNavigate } from "@tanstack/solid-router";
import { onCleanup, Show } from "solid-js";
import { CallBanner } from "../calls/call-entry";
import { ChannelHeader } from "../components/channel-header";
import { Composer } from "../components/composer/composer";
import { MessageList } from "../components/message-list";
import { ThreadPanel } from "../components/thread-panel";
import { TypingIndicator } from "../components/typing-indicator";
import { ApiError, describeError } from "../shared/http";
import { useStore } from "../store";
import { appRoute } from "./app";

function ChannelPage() {
  const store = useStore();
  const navigate = useNavigate();
  const params = channelRoute.useParams();
  const id = () => params().channelId;
  const search = channelRoute.useSearch();
  const onVisible = () => {
    if (document.visibilityState === "visible") store.markRead(id());
  };
  document.addEventListener("visibilitychange", onVisible);
  onCleanup(() => {
    document.removeEventListener("visibilitychange", onVisible);
    store.channels.setActiveId(null);
  });
  const openThread = (thread: string | undefined) =>
    void navigate({ to: "/c/$channelId", params: { channelId: id() }, search: thread ? { thread } : {} });
  return (
    <div class="channel-page" classList={{ "with-thread": !!search().thread }}>
      <main class="main">
        <ChannelHeader channelId={id()} />
        <CallBanner channelId={id()} />
        {/* One list per channel: its scroll position and measurements belong to that channel. */}
        <Show when={`${id()} ${search().m ?? ""}`} keyed>
          <MessageList channelId={id()} target={search().m} onReply={(m) => openThread(m)} />
        </Show>
        <TypingIndicator channelId={id()} />
        <Show when={id()} keyed>
          {(channelId) => <Composer channelId={channelId} />}
        </Show>
      </main>
      <Show when={search().thread} keyed>
        {(rootId) => <ThreadPanel rootId={rootId} onClose={() => openThread(undefined)} />}
      </Show>
    </div>
  );
}

export const channelRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/c/$channelId",
  validateSearch: (search: Record<string, unknown>): { m?: string; thread?: string } => ({
    ...(typeof search.m === "string" ? { m: search.m } : {}),
    ...(typeof search.thread === "string" ? { thread: search.thread } : {}),
  }),
  loader: ({ context: { store }, params }) => store.open(params.channelId),
  component: ChannelPage,
  // Not (or no longer) a member of a private channel or conversation, or no such channel: say so.
  errorComponent: (props) => (
    <main class="main empty" data-testid="channel-refused">
      <p>
        {props.error instanceof ApiError && props.error.code === "not_member"
          ? "You are not a member of this channel."
          : props.error instanceof ApiError && props.error.status === 404
            ? "There is no such channel."
            : describeError(props.error)}
      </p>
    </main>
  ),
});
