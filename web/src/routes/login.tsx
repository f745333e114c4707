import { createRoute, redirect, useNavigate } from "@tanstack/solid-router";
import { createSignal, Show } from "solid-js";
import { ApiError } from "../lib/api";
import { useStore } from "../store";
import { rootRoute } from "./root";

function explain(e: unknown): string {
  if (!(e instanceof ApiError)) return "The server cannot be reached. Try again.";
  if (e.status === 401) return "Wrong email or password.";
  if (e.status === 429) {
    const s = Number(e.details?.retryAfterSeconds);
    return Number.isFinite(s) ? `Too many attempts: try again in ${s} s.` : e.message;
  }
  if (e.status === 403) return e.message; // banned (with its reason) or deactivated
  return e.message;
}

function Login() {
  const store = useStore();
  const navigate = useNavigate();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal("");
  const [busy, setBusy] = createSignal(false);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await store.session.login(email().trim(), password());
      await navigate({ to: "/" });
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="card" onSubmit={submit}>
        <h1>Parley</h1>
        <p class="muted">Sign in to your workspace</p>
        <label>
          Email
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <Show when={error()}>
          <p class="error" role="alert" data-testid="login-error">
            {error()}
          </p>
        </Show>
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  beforeLoad: ({ context: { store } }) => {
    if (store.session.user()) throw redirect({ to: "/" });
  },
  component: Login,
});
