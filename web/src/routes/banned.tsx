import { createRoute, Link } from "@tanstack/solid-router";
import { useStore } from "../store";
import { rootRoute } from "./root";

function Banned() {
  const store = useStore();
  return (
    <main class="login">
      <div class="card" role="alert">
        <h1>Access removed</h1>
        <p data-testid="banned-reason">{store.session.banned() ?? "You are banned from this workspace."}</p>
        <Link to="/login">Back to sign-in</Link>
      </div>
    </main>
  );
}

export const bannedRoute = createRoute({ getParentRoute: () => rootRoute, path: "/banned", component: Banned });
