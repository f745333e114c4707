import { createRoute } from "@tanstack/solid-router";
import { createResource, Show } from "solid-js";
import { api } from "../lib/api";
import { rootRoute } from "./root";

async function readiness() {
  const res = await api.readyz.$get();
  return (await res.json()).status;
}

function Home() {
  const [status] = createResource(readiness);
  return (
    <main>
      <h1>Parley</h1>
      <Show when={status()} fallback={<p>Checking the server…</p>}>
        {(s) => <p data-testid="server-status">Server: {s()}</p>}
      </Show>
    </main>
  );
}

export const homeRoute = createRoute({ getParentRoute: () => rootRoute, path: "/", component: Home });
