// What every one-time-link page (invite, set password) does around its own form: it asks what the link is
// first, shows why a link no longer works (also when a submit is refused because it was used or expired
// meanwhile), and signs this browser in with the account the submit returns.
import { useNavigate } from "@tanstack/solid-router";
import { type Accessor, createResource, createSignal, type JSX, Match, Switch } from "solid-js";
import { type LinkProblem, type LinkStatus, linkStatus, problemOf, tokenFromHash } from "../lib/links";
import { createAction } from "../shared/action";
import { AuthPage } from "../shared/auth-page";
import { useStore } from "../store";
import type { Me } from "../store/session";
import { LinkProblemPage } from "./link-problem";

type LinkKind = "invite" | "password";

export function createLinkForm(kind: LinkKind) {
  const store = useStore();
  const navigate = useNavigate();
  const token = tokenFromHash();
  const [status] = createResource(() => linkStatus(kind, token));
  const [refused, setRefused] = createSignal<LinkProblem | null>(null);
  const action = createAction();
  const problem = () => refused() ?? (status()?.status === "valid" ? null : (status()?.status as LinkProblem));

  /** Runs `send` (which uses the link's token) as the form's action; on success signs in and opens the app. */
  async function submit(send: (token: string) => Promise<{ user: Me }>) {
    const done = await action.run(async () => {
      try {
        await store.signedIn((await send(token)).user);
        return true;
      } catch (error) {
        const reason = problemOf(error);
        if (reason) setRefused(reason);
        throw error;
      }
    });
    if (done) await navigate({ to: "/" });
  }

  return { kind, status, problem, action, submit };
}

export type LinkForm = ReturnType<typeof createLinkForm>;

/** Shows "checking", "cannot be checked" or the link's problem, and the form only while the link is valid. */
export function LinkGate(props: {
  form: LinkForm;
  noun: string;
  children: (valid: Accessor<LinkStatus>) => JSX.Element;
}) {
  const form = props.form;
  return (
    <Switch fallback={<AuthPage title={`Checking your ${props.noun}…`}>{null}</AuthPage>}>
      <Match when={form.status.error}>
        <AuthPage
          title={`Your ${props.noun} could not be checked`}
          subtitle="The server cannot be reached. Try again."
          tone="problem"
        >
          {null}
        </AuthPage>
      </Match>
      <Match when={form.problem()}>{(reason) => <LinkProblemPage kind={form.kind} reason={reason()} />}</Match>
      <Match when={form.status()?.status === "valid" && form.status()}>{(valid) => props.children(valid)}</Match>
    </Switch>
  );
}
