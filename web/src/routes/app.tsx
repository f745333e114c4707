// The signed-in shell: its loader checks the session and starts the store (sidebar, then socket).
import { createRoute, Outlet, redirect, useLocation, useNavigate } from "@tanstack/solid-router";
import { createEffect, on, onCleanup, onMount, Show } from "solid-js";
import { CallLayer } from "../calls/call-entry";
import { ConnectionBanner } from "../components/connection-banner";
import { drawerOpen, setDrawerOpen } from "../components/drawer";
import { NotificationPrompt } from "../components/notification-prompt";
import { QuickSwitcher } from "../components/quick-switcher";
import { Sidebar } from "../components/sidebar";
import { UnreadTitle } from "../components/unread-title";
import { loadEmoji } from "../lib/emoji";
import { onOpenRequest } from "../lib/push";
import { useStore } from "../store";
import { rootRoute } from "./root";

function Shell() {
  const store = useStore();
  const navigate = useNavigate();
  createEffect(() => {
    const why = store.ended();
    if (why) {
      void navigate({ to: why === "banned" ? "/banned" : "/login" });
    }
  });
  // A notification clicked (here or in the service worker) opens its channel at the message, in this tab.
  const open = (url: string) => void navigate({ href: url });
  store.openNotificationsWith(open);
  onCleanup(onOpenRequest(open));
  // The drawer closes when a channel is chosen, and on Escape.
  const location = useLocation();
  createEffect(
    on(
      () => location().pathname,
      () => setDrawerOpen(false),
    ),
  );
  const onKey = (e: KeyboardEvent) => e.key === "Escape" && setDrawerOpen(false);
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));
  // Removed from the channel on screen (or left it in another tab): off to the first channel, and say why.
  // (`on`: navigating reads the router's own signals, which must not become this effect's.)
  createEffect(
    on([store.lost, store.channels.activeId], ([lost, active]) => {
      if (lost && active === lost.id) void navigate({ to: "/" });
    }),
  );
  // Emoji data for :short_codes: in messages, after the first paint.
  onMount(() => setTimeout(() => void loadEmoji(), 500));
  return (
    <div class="shell" classList={{ "drawer-open": drawerOpen() }}>
      <Show when={drawerOpen()}>
        <button
          type="button"
          class="drawer-backdrop"
          aria-label="Close channels"
          onClick={() => setDrawerOpen(false)}
        />
      </Show>
      <Sidebar
        onLogout={async () => {
          await store.logout();
          await navigate({ to: "/login" });
        }}
      />
      {/* What the shell has to say sits above the page, in the flow: it moves the page down rather than
          covering any of it (on a phone a floating card hid the newest messages or the header). */}
      <div class="shell-main">
        <ConnectionBanner />
        <Show when={store.lost()}>
          {(lost) => (
            <div class="notice" role="status" data-testid="lost-notice">
              You are no longer a member of {lost().name ? `#${lost().name}` : "that channel"}.
              <button type="button" class="icon" aria-label="Dismiss" onClick={() => store.dismissLost()}>
                ×
              </button>
            </div>
          )}
        </Show>
        <NotificationPrompt />
        <Outlet />
      </div>
      <QuickSwitcher />
      <UnreadTitle />
      <CallLayer />
    </div>
  );
}

export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  beforeLoad: async ({ context: { store } }) => {
    const user = store.session.user() ?? (await store.session.load());
    if (!user) throw redirect({ to: store.session.banned() ? "/banned" : "/login" });
    await store.start(user.id);
  },
  component: Shell,
});
