import { createSignal, For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { ROLES, type Role } from "../lib/api";
import { useStores } from "../store";
import { createAction } from "./action";
import { OneTimeLink } from "./one-time-link";

export function InviteForm() {
  const { invites, session } = useStores();
  const [role, setRole] = createSignal<Role>("member");
  const [hours, setHours] = createSignal(168);
  const [maxUses, setMaxUses] = createSignal(1);
  const [link, setLink] = createSignal("");
  const action = createAction();
  const roles = () => ROLES.filter((r) => r !== "owner" || session.user()?.role === "owner");
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setLink("");
    const made = await action.run(() => invites.create({ role: role(), maxUses: maxUses(), expiresInHours: hours() }));
    if (made) setLink(made);
  }
  return (
    <form class="card inline-form" onSubmit={submit} data-testid="invite-form">
      <h3>New invite</h3>
      <label>
        Role
        <select name="role" value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
          <For each={roles()}>{(r) => <option value={r}>{r}</option>}</For>
        </select>
      </label>
      <label>
        Expires in (hours)
        <input
          name="hours"
          type="number"
          min="1"
          max="720"
          value={hours()}
          onInput={(e) => setHours(e.currentTarget.valueAsNumber)}
        />
      </label>
      <label>
        Max uses
        <input
          name="maxUses"
          type="number"
          min="1"
          max="1000"
          value={maxUses()}
          onInput={(e) => setMaxUses(e.currentTarget.valueAsNumber)}
        />
      </label>
      <button type="submit" class="primary" disabled={action.pending()}>
        Create invite
      </button>
      <ErrorText error={action.error()} />
      <Show when={link()}>{(l) => <OneTimeLink link={l()} label="Invite link" />}</Show>
    </form>
  );
}
