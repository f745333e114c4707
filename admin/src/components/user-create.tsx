import { createSignal, For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { ROLES, type Role } from "../lib/api";
import { useStores } from "../store";
import { createAction } from "./action";
import { OneTimeLink } from "./one-time-link";

export function UserCreate() {
  const { users, session } = useStores();
  const [open, setOpen] = createSignal(false);
  const [email, setEmail] = createSignal("");
  const [displayName, setDisplayName] = createSignal("");
  const [role, setRole] = createSignal<Role>("member");
  const [link, setLink] = createSignal("");
  const action = createAction();
  const roles = () => ROLES.filter((r) => r !== "owner" || session.user()?.role === "owner");
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setLink("");
    const made = await action.run(() => users.create({ email: email(), displayName: displayName(), role: role() }));
    if (made) {
      setLink(made.link);
      setEmail("");
      setDisplayName("");
    }
  }
  return (
    <Show
      when={open()}
      fallback={
        <button type="button" class="primary" onClick={() => setOpen(true)}>
          New user
        </button>
      }
    >
      <form class="card inline-form" onSubmit={submit} data-testid="user-create">
        <h3>New user</h3>
        <label>
          Email
          <input name="email" type="email" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Display name
          <input
            name="displayName"
            required
            maxLength={64}
            value={displayName()}
            onInput={(e) => setDisplayName(e.currentTarget.value)}
          />
        </label>
        <label>
          Role
          <select name="role" value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <For each={roles()}>{(r) => <option value={r}>{r}</option>}</For>
          </select>
        </label>
        <button type="submit" class="primary" disabled={action.pending()}>
          Create
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
        <ErrorText error={action.error()} />
        <Show when={link()}>{(l) => <OneTimeLink link={l()} label="Set-password link for the new user" />}</Show>
      </form>
    </Show>
  );
}
