import { createRouter, RouterProvider } from "@tanstack/solid-router";
import { render } from "solid-js/web";
import { appRoute } from "./routes/app";
import { bannedRoute } from "./routes/banned";
import { channelRoute } from "./routes/channel";
import { homeRoute } from "./routes/home";
import { loginRoute } from "./routes/login";
import { rootRoute } from "./routes/root";
import { createAppStore, StoreProvider } from "./store";
import "./styles.css";

const store = createAppStore();
const routeTree = rootRoute.addChildren([loginRoute, bannedRoute, appRoute.addChildren([homeRoute, channelRoute])]);
const router = createRouter({ routeTree, context: { store } });

declare module "@tanstack/solid-router" {
  interface Register {
    router: typeof router;
  }
}

const root = document.getElementById("root");
if (root)
  render(
    () => (
      <StoreProvider store={store}>
        <RouterProvider router={router} />
      </StoreProvider>
    ),
    root,
  );
