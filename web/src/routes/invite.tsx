// /invite#token=…: the page an invite link opens. Name, email and password make the account; it lands in
// the workspace's default channels (#general).
import { createRoute } from "@tanstack/solid-router";
import { createSignal } from "solid-js";
import { createLinkForm, LinkGate } from "../components/link-gate";
import { AuthPage } from "../shared/auth-page";
import { ErrorText } from "../shared/error-text";
import { Field } from "../shared/field";
import { api, read } from "../shared/http";
import type { Me } from "../store/session";
import { rootRoute } from "./root";

const withArticle = (role: string) => `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;

function Invite() {
  const link = createLinkForm("invite");
  const action = link.action;
  const [displayName, setDisplayName] = createSignal("");
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");

  function submit(e: SubmitEvent) {
    e.preventDefault();
    return link.submit(async (token) => {
      const json = { token, email: email().trim(), displayName: displayName().trim(), password: password() };
      return read<{ user: Me }>(await api.api.auth["accept-invite"].$post({ json }));
    });
  }

  return (
    <LinkGate form={link} noun="invite">
      {(valid) => (
        <AuthPage
          title={`Join ${valid().workspace ?? "Parley"}`}
          subtitle={`You've been invited as ${withArticle(valid().role ?? "member")}. Create your account to start talking with your team.`}
        >
          <form class="p-form" onSubmit={submit} data-testid="invite-form">
            <Field
              label="Full name"
              name="displayName"
              autocomplete="name"
              required
              maxLength={64}
              onValue={setDisplayName}
            />
            <Field label="Email" type="email" name="email" autocomplete="email" required onValue={setEmail} />
            <Field
              label="Password"
              type="password"
              name="password"
              autocomplete="new-password"
              required
              minLength={12}
              hint="At least 12 characters. A few unrelated words work well."
              onValue={setPassword}
            />
            <ErrorText error={action.error()} />
            <button type="submit" class="p-button primary wide" disabled={action.pending()}>
              {action.pending() ? "Creating your account…" : "Create account"}
            </button>
          </form>
        </AuthPage>
      )}
    </LinkGate>
  );
}

export const inviteRoute = createRoute({ getParentRoute: () => rootRoute, path: "/invite", component: Invite });
