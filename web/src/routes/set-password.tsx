// /set-password#token=…: the page an admin's one-time link opens, for a new account (set up) or a reset.
// Setting the password signs this browser in and every other session out.
import { createRoute, useNavigate } from "@tanstack/solid-router";
import { createResource, createSignal, Match, Switch } from "solid-js";
import { LinkProblemPage } from "../components/link-problem";
import { type LinkProblem, linkStatus, problemOf, tokenFromHash } from "../lib/links";
import { createAction } from "../shared/action";
import { AuthPage } from "../shared/auth-page";
import { ErrorText } from "../shared/error-text";
import { Field } from "../shared/field";
import { api, read } from "../shared/http";
import { useStore } from "../store";
import type { Me } from "../store/session";
import { rootRoute } from "./root";

function SetPassword() {
  const store = useStore();
  const navigate = useNavigate();
  const token = tokenFromHash();
  const [status] = createResource(() => linkStatus("password", token));
  const [refused, setRefused] = createSignal<LinkProblem | null>(null);
  const [password, setPassword] = createSignal("");
  const [again, setAgain] = createSignal("");
  const action = createAction();
  const problem = () => refused() ?? (status()?.status === "valid" ? null : (status()?.status as LinkProblem));

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    if (password() !== again()) return action.setError("The two passwords are not the same.");
    const done = await action.run(async () => {
      try {
        const json = { token, password: password() };
        const { user } = await read<{ user: Me }>(await api.api.auth["set-password"].$post({ json }));
        await store.signedIn(user);
        return true;
      } catch (error) {
        const reason = problemOf(error);
        if (reason) setRefused(reason);
        throw error;
      }
    });
    if (done) await navigate({ to: "/" });
  }

  return (
    <Switch fallback={<AuthPage title="Checking your link…">{null}</AuthPage>}>
      <Match when={status.error}>
        <AuthPage
          title="Your link could not be checked"
          subtitle="The server cannot be reached. Try again."
          tone="problem"
        >
          {null}
        </AuthPage>
      </Match>
      <Match when={problem()}>{(reason) => <LinkProblemPage kind="password" reason={reason()} />}</Match>
      <Match when={status()?.status === "valid" && status()}>
        {(valid) => {
          const reset = valid().purpose === "reset";
          return (
            <AuthPage
              title={reset ? "Reset your password" : `Welcome, ${valid().displayName ?? ""}`}
              subtitle={
                reset
                  ? "Choose a new password. You will be signed out on your other devices."
                  : "Choose a password to finish setting up your account."
              }
            >
              <form class="p-form" onSubmit={submit} data-testid="set-password-form">
                <Field
                  label="Email"
                  type="email"
                  name="email"
                  autocomplete="username"
                  readonly
                  value={valid().email ?? ""}
                />
                <Field
                  label={reset ? "New password" : "Password"}
                  type="password"
                  name="password"
                  autocomplete="new-password"
                  required
                  minLength={12}
                  hint="At least 12 characters. A few unrelated words work well."
                  onValue={setPassword}
                />
                <Field
                  label="Password again"
                  type="password"
                  name="again"
                  autocomplete="new-password"
                  required
                  onValue={setAgain}
                />
                <ErrorText error={action.error()} />
                <button type="submit" class="p-button primary wide" disabled={action.pending()}>
                  {action.pending() ? "Saving…" : reset ? "Reset password and sign in" : "Set password and sign in"}
                </button>
              </form>
            </AuthPage>
          );
        }}
      </Match>
    </Switch>
  );
}

export const setPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/set-password",
  component: SetPassword,
});
