import { createRootRoute, Outlet } from "@tanstack/solid-router";

export const rootRoute = createRootRoute({
  component: () => (
    <div class="app">
      <Outlet />
    </div>
  ),
});
