// "/": open the first channel (the workspace's #general for most people).
import { createRoute, redirect } from "@tanstack/solid-router";
import { appRoute } from "./app";

export const homeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  beforeLoad: ({ context: { store } }) => {
    const first = store.channels.list.find((c) => c.name === "general") ?? store.channels.list[0];
    if (first) throw redirect({ to: "/c/$channelId", params: { channelId: first.id } });
  },
  component: () => (
    <main class="main empty">
      <p>You are in no channel yet: browse or create one.</p>
    </main>
  ),
});
