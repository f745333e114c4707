// Moderation: find a channel, read its recent messages, delete what breaks the rules (with a reason). A
// person's messages are on their page (/users/{id}).
import { createRoute, useNavigate } from "@tanstack/solid-router";
import { For, Show } from "solid-js";
import { debounced } from "../components/debounce";
import { MessageTable } from "../components/message-table";
import { useStores } from "../store";
import { authedRoute } from "./authed";

function Moderation() {
  const { moderation } = useStores();
  const navigate = useNavigate();
  const find = debounced((q: string) => moderation.find(q));
  return (
    <>
      <header class="page-head">
        <h2>Moderation</h2>
        <span class="muted">Public channels, and private ones you are in</span>
      </header>
      <div class="filters">
        <input
          type="search"
          name="channel"
          aria-label="Find a channel"
          placeholder="Find a channel by name"
          onInput={(e) => find(e.currentTarget.value)}
        />
      </div>
      <Show when={moderation.matches().length > 0}>
        <ul class="picks" aria-label="Channels found">
          <For each={moderation.matches()}>
            {(channel) => (
              <li>
                <button
                  type="button"
                  classList={{ active: moderation.channel()?.id === channel.id }}
                  onClick={() => navigate({ to: "/moderation", search: { channel: channel.id } })}
                >
                  #{channel.name}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show
        when={moderation.channel()}
        fallback={<p class="muted">Find a channel to see its recent messages, newest first.</p>}
      >
        {(channel) => (
          <section aria-label="Recent messages">
            <h3 data-testid="moderated-channel">
              {channel().name ? `#${channel().name}` : "Channel"} — recent messages
            </h3>
            <MessageTable list={moderation.messages} onDelete={(m, reason) => moderation.remove(m, reason)} />
          </section>
        )}
      </Show>
    </>
  );
}

export const moderationRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/moderation",
  validateSearch: (search: Record<string, unknown>): { channel?: string } =>
    typeof search.channel === "string" ? { channel: search.channel } : {},
  loaderDeps: ({ search }) => ({ channel: search.channel }),
  loader: ({ context, deps }) => (deps.channel ? context.stores.moderation.open(deps.channel) : undefined),
  component: Moderation,
});
