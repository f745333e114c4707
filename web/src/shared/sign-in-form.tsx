// Email and password, and why a sign-in failed (wrong password, too many attempts, banned): both apps'
// sign-in pages are this form around their own session store.
import { createSignal, type JSX } from "solid-js";
import { createAction } from "./action";
import { ErrorText } from "./error-text";
import { Field } from "./field";

export function SignInForm(props: {
  signIn: (email: string, password: string) => Promise<void>;
  /** A notice to show before any attempt (e.g. "your session ended"). */
  notice?: string;
  children?: JSX.Element;
}) {
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const action = createAction();
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    await action.run(() => props.signIn(email().trim(), password()));
  }
  return (
    <form class="p-form" onSubmit={submit}>
      <Field label="Email" type="email" name="email" autocomplete="username" required onValue={setEmail} />
      <Field
        label="Password"
        type="password"
        name="password"
        autocomplete="current-password"
        required
        onValue={setPassword}
      />
      <ErrorText error={action.error() || props.notice || ""} testId="login-error" />
      <button type="submit" class="p-button primary wide" disabled={action.pending()}>
        {action.pending() ? "Signing in…" : "Sign in"}
      </button>
      {props.children}
    </form>
  );
}
