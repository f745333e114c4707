import { createRouter, RouterProvider } from "@tanstack/solid-router";
import { render } from "solid-js/web";
import { appRoute } from "./routes/app";
import { bannedRoute } from "./routes/banned";
import { channelRoute } from "./routes/channel";
import { homeRoute } from "./routes/home";
import { inviteRoute } from "./routes/invite";
import { loginRoute } from "./routes/login";
import { peopleRoute } from "./routes/people";
import { rootRoute } from "./routes/root";
import { setPasswordRoute } from "./routes/set-password";
import { threadsRoute } from "./routes/threads";
import { AppError, AppErrorBoundary } from "./shared/app-error";
import { createAppStore, StoreProvider } from "./store";
import "./shared/shared.css";
import "./styles.css";
import "./theme.css";
import "./chat.css";
import "./people.css";

const store = createAppStore();
const routeTree = rootRoute.addChildren([
  loginRoute,
  inviteRoute,
  setPasswordRoute,
  bannedRoute,
  appRoute.addChildren([homeRoute, channelRoute, threadsRoute, peopleRoute]),
]);
const router = createRouter({
  routeTree,
  context: { store },
  defaultErrorComponent: (props) => <AppError error={props.error} />,
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
        <StoreProvider store={store}>
          <RouterProvider router={router} />
        </StoreProvider>
      </AppErrorBoundary>
    ),
    root,
  );
