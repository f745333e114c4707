// "/people": the member directory (people-page.tsx), a code-split chunk loaded when first opened. When the
// chunk cannot be loaded (a new version was deployed, the network dropped), the router's error page says so.
import { createRoute, lazyRouteComponent } from "@tanstack/solid-router";
import { appRoute } from "./app";

export const peopleRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/people",
  component: lazyRouteComponent(() => import("./people-page"), "PeoplePage"),
});
