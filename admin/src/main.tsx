import { createRouter, RouterProvider } from "@tanstack/solid-router";
import { render } from "solid-js/web";
import { whenUnauthorized } from "./lib/api";
import { auditRoute } from "./routes/audit";
import { authedRoute } from "./routes/authed";
import { channelsRoute } from "./routes/channels";
import { invitesRoute } from "./routes/invites";
import { loginRoute } from "./routes/login";
import { overviewRoute } from "./routes/overview";
import { rootRoute } from "./routes/root";
import { usersRoute } from "./routes/users";
import { createStores, StoresProvider } from "./store";
import "./styles.css";

const stores = createStores();
const routeTree = rootRoute.addChildren([
  loginRoute,
  authedRoute.addChildren([overviewRoute, usersRoute, invitesRoute, channelsRoute, auditRoute]),
]);
const router = createRouter({ routeTree, basepath: "/admin", context: { stores } });

whenUnauthorized(() => {
  stores.session.forget();
  void router.navigate({ to: "/login" });
});

declare module "@tanstack/solid-router" {
  interface Register {
    router: typeof router;
  }
}

const root = document.getElementById("root");
if (root)
  render(
    () => (
      <StoresProvider stores={stores}>
        <RouterProvider router={router} />
      </StoresProvider>
    ),
    root,
  );
