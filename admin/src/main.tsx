import { createRouter, RouterProvider } from "@tanstack/solid-router";
import { render } from "solid-js/web";
import { AppError, AppErrorBoundary } from "web/shared";
import { whenUnauthorized } from "./lib/api";
import { auditRoute } from "./routes/audit";
import { authedRoute } from "./routes/authed";
import { channelsRoute } from "./routes/channels";
import { filesRoute } from "./routes/files";
import { invitesRoute } from "./routes/invites";
import { liveRoute } from "./routes/live";
import { loginRoute } from "./routes/login";
import { moderationRoute } from "./routes/moderation";
import { overviewRoute } from "./routes/overview";
import { pushRoute } from "./routes/push";
import { rootRoute } from "./routes/root";
import { settingsRoute } from "./routes/settings";
import { userPageRoute } from "./routes/user-page";
import { usersRoute } from "./routes/users";
import { createStores, StoresProvider } from "./store";
import "web/shared.css";
import "./styles.css";

const stores = createStores();
const routeTree = rootRoute.addChildren([
  loginRoute,
  authedRoute.addChildren([
    overviewRoute,
    liveRoute,
    usersRoute,
    userPageRoute,
    invitesRoute,
    channelsRoute,
    moderationRoute,
    filesRoute,
    auditRoute,
    pushRoute,
    settingsRoute,
  ]),
]);
const router = createRouter({
  routeTree,
  basepath: "/admin",
  context: { stores },
  defaultErrorComponent: (props) => <AppError error={props.error} />,
});

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
      <AppErrorBoundary>
        <StoresProvider stores={stores}>
          <RouterProvider router={router} />
        </StoresProvider>
      </AppErrorBoundary>
    ),
    root,
  );
