import { createRoute, redirect, useNavigate } from "@tanstack/solid-router";
import { createSignal } from "solid-js";
import { createAction } from "../components/action";
import { ErrorText } from "../components/error-text";
import { ServerStatus } from "../components/server-status";
import { useStores } from "../store";
import { rootRoute } from "./root";

function Login() {
  const { session } = useStores();
  const navigate = useNavigate();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const action = createAction();
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const done = await action.run(async () => {
      await session.login(email(), password());
      return true;
    });
    if (done) await navigate({ to: "/" });
  }
  return (
    <main class="login">
      <form class="card" onSubmit={submit}>
        <h1>Parley admin</h1>
        <label>
          Email
          <input
            name="email"
            type="email"
            autocomplete="username"
            required
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary" disabled={action.pending()}>
          Sign in
        </button>
        <ErrorText error={action.error() || session.notice()} />
        <ServerStatus />
      </form>
    </main>
  );
}

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  beforeLoad: async ({ context }) => {
    if (await context.stores.session.ensure()) throw redirect({ to: "/" });
  },
  component: Login,
});
