// /invite#token=…: the page an invite link opens. Name, email and password make the account; it lands in
// the workspace's default channels (#general).
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

const withArticle = (role: string) => `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;

function Invite() {
  const store = useStore();
  const navigate = useNavigate();
  const token = tokenFromHash();
  const [status] = createResource(() => linkStatus("invite", token));
  const [refused, setRefused] = createSignal<LinkProblem | null>(null);
  const [displayName, setDisplayName] = createSignal("");
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const action = createAction();
  const problem = () => refused() ?? (status()?.status === "valid" ? null : (status()?.status as LinkProblem));

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const done = await action.run(async () => {
      try {
        const json = { token, email: email().trim(), displayName: displayName().trim(), password: password() };
        const { user } = await read<{ user: Me }>(await api.api.auth["accept-invite"].$post({ json }));
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
    <Switch fallback={<AuthPage title="Checking your invite…">{null}</AuthPage>}>
      <Match when={status.error}>
        <AuthPage
          title="Your invite could not be checked"
          subtitle="The server cannot be reached. Try again."
          tone="problem"
        >
          {null}
        </AuthPage>
      </Match>
      <Match when={problem()}>{(reason) => <LinkProblemPage kind="invite" reason={reason()} />}</Match>
      <Match when={status()?.status === "valid" && status()}>
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
      </Match>
    </Switch>
  );
}

export const inviteRoute = createRoute({ getParentRoute: () => rootRoute, path: "/invite", component: Invite });
