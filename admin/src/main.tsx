import { createRouter, RouterProvider } from "@tanstack/solid-router";
import { render } from "solid-js/web";
import { homeRoute } from "./routes/home";
import { rootRoute } from "./routes/root";

const router = createRouter({ routeTree: rootRoute.addChildren([homeRoute]), basepath: "/admin" });

declare module "@tanstack/solid-router" {
  interface Register {
    router: typeof router;
  }
}

const root = document.getElementById("root");
if (root) render(() => <RouterProvider router={router} />, root);
