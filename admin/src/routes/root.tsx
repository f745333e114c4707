import { createRootRouteWithContext, Outlet } from "@tanstack/solid-router";
import type { Stores } from "../store";

export const rootRoute = createRootRouteWithContext<{ stores: Stores }>()({
  component: () => (
    <div class="app">
      <Outlet />
    </div>
  ),
});
