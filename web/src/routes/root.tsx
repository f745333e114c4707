import { createRootRouteWithContext, Outlet } from "@tanstack/solid-router";
import type { AppStore } from "../store";

export const rootRoute = createRootRouteWithContext<{ store: AppStore }>()({
  component: () => <Outlet />,
});
