// The signed-in shell: its loader checks the session and starts the store (sidebar, then socket).
import { createRoute, Outlet, redirect, useNavigate } from "@tanstack/solid-router";
import { createEffect } from "solid-js";
import { Sidebar } from "../components/sidebar";
import { useStore } from "../store";
import { rootRoute } from "./root";

let started: string | null = null;

function Shell() {
  const store = useStore();
  const navigate = useNavigate();
  createEffect(() => {
    const why = store.ended();
    if (why) {
      started = null;
      void navigate({ to: why === "banned" ? "/banned" : "/login" });
    }
  });
  return (
    <div class="shell">
      <Sidebar
        onLogout={async () => {
          started = null;
          await store.logout();
          await navigate({ to: "/login" });
        }}
      />
      <Outlet />
    </div>
  );
}

export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  beforeLoad: async ({ context: { store } }) => {
    const user = store.session.user() ?? (await store.session.load());
    if (!user) throw redirect({ to: store.session.banned() ? "/banned" : "/login" });
    if (started !== user.id) {
      started = user.id;
      await store.start();
    }
  },
  component: Shell,
});
