// /set-password#token=…: the page an admin's one-time link opens, for a new account (set up) or a reset.
// Setting the password signs this browser in and every other session out.
import { createRoute } from "@tanstack/solid-router";
import { createSignal } from "solid-js";
import { createLinkForm, LinkGate } from "../components/link-gate";
import { AuthPage } from "../shared/auth-page";
import { ErrorText } from "../shared/error-text";
import { Field } from "../shared/field";
import { api, read } from "../shared/http";
import type { Me } from "../store/session";
import { rootRoute } from "./root";

function SetPassword() {
  const link = createLinkForm("password");
  const action = link.action;
  const [password, setPassword] = createSignal("");
  const [again, setAgain] = createSignal("");

  function submit(e: SubmitEvent) {
    e.preventDefault();
    if (password() !== again()) return action.setError("The two passwords are not the same.");
    return link.submit(async (token) => {
      const json = { token, password: password() };
      return read<{ user: Me }>(await api.api.auth["set-password"].$post({ json }));
    });
  }

  return (
    <LinkGate form={link} noun="link">
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
    </LinkGate>
  );
}

export const setPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/set-password",
  component: SetPassword,
});
