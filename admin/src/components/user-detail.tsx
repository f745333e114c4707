// The selected user: facts, and every action an admin may take on them. Errors (409 last_owner …) show
// here, next to the buttons.
import { Link } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { ROLES, type Role, type User } from "../lib/api";
import { useStores } from "../store";
import { createAction } from "./action";
import { createConfirm } from "./confirm";
import { OneTimeLink } from "./one-time-link";
import { Time } from "./time";

function BanForm(props: { onBan: (reason: string, until?: string) => void }) {
  const [reason, setReason] = createSignal("");
  const [until, setUntil] = createSignal("");
  function submit(e: SubmitEvent) {
    e.preventDefault();
    const iso = until() ? new Date(until()).toISOString() : undefined;
    props.onBan(reason(), iso);
  }
  return (
    <form class="ban" onSubmit={submit} data-testid="ban-form">
      <input
        name="reason"
        placeholder="Reason (shown to the user)"
        required
        onInput={(e) => setReason(e.currentTarget.value)}
      />
      <label>
        Until (optional)
        <input name="until" type="datetime-local" onInput={(e) => setUntil(e.currentTarget.value)} />
      </label>
      <button type="submit" class="danger">
        Ban…
      </button>
    </form>
  );
}

export function UserDetail(props: { user: User }) {
  const { users, session } = useStores();
  const action = createAction();
  const [notice, setNotice] = createSignal("");
  const [link, setLink] = createSignal("");
  const id = () => props.user.id;
  const roles = () => ROLES.filter((r) => r !== "owner" || session.user()?.role === "owner");
  const say = (text: string) => () => setNotice(text);
  const confirm = createConfirm();
  const name = () => props.user.displayName;
  const asked = <T,>(fn: () => Promise<T>) => {
    setNotice("");
    setLink("");
    return fn();
  };
  const deactivate = () =>
    confirm.ask({
      title: `Deactivate ${name()}?`,
      body: () => (
        <p>
          <strong>{name()}</strong> is signed out everywhere at once and cannot sign in until reactivated. Their
          messages stay. The audit log records it.
        </p>
      ),
      confirmLabel: "Deactivate",
      reason: "optional",
      run: () => asked(() => users.deactivate(id())),
      done: () => "Deactivated.",
    });
  const signOut = () =>
    confirm.ask({
      title: `Sign ${name()} out everywhere?`,
      body: () => (
        <p>
          Every session of <strong>{name()}</strong> ends at once: open tabs lose their connection and push devices are
          forgotten. They can sign in again.
        </p>
      ),
      confirmLabel: "Sign out everywhere",
      run: () => asked(() => users.signOut(id())),
      done: (r) => `Signed out of ${r.revoked} session(s).`,
    });
  const ban = (reason: string, until?: string) =>
    confirm.ask({
      title: `Ban ${name()}?`,
      body: () => (
        <p>
          <strong>{name()}</strong> is signed out everywhere at once and cannot sign in{" "}
          {until ? `until ${new Date(until).toLocaleString()}` : "until the ban is lifted"}. They are told why: “
          {reason}”. The audit log records it.
        </p>
      ),
      confirmLabel: "Ban",
      run: () => asked(() => users.ban(id(), reason, until)),
      done: () => "Banned.",
    });
  async function run<T>(fn: () => Promise<T>, done?: (value: T) => void) {
    setNotice("");
    setLink("");
    const value = await action.run(fn);
    if (value !== undefined) done?.(value);
  }
  return (
    <aside class="card detail" data-testid="user-detail">
      <header>
        <h3>{props.user.displayName}</h3>
        <button type="button" class="link" onClick={() => users.select(null)}>
          Close
        </button>
      </header>
      <dl>
        <dt>Email</dt>
        <dd>{props.user.email}</dd>
        <dt>State</dt>
        <dd>
          <span class={`badge ${props.user.state}`}>{props.user.state}</span>
          <Show when={props.user.banReason}> — {props.user.banReason}</Show>
          <Show when={props.user.bannedUntil}>
            {" "}
            until <Time iso={props.user.bannedUntil} />
          </Show>
        </dd>
        <dt>Password set</dt>
        <dd>{props.user.hasPassword ? "yes" : "no"}</dd>
        <dt>Last seen</dt>
        <dd>
          <Time iso={props.user.lastSeenAt} />
        </dd>
        <dt>Created</dt>
        <dd>
          <Time iso={props.user.createdAt} />
        </dd>
      </dl>
      <label>
        Role
        <select
          name="role"
          value={props.user.role}
          disabled={action.pending()}
          onChange={async (e) => {
            const select = e.currentTarget;
            await run(() => users.changeRole(id(), select.value as Role), say("Role changed."));
            select.value = props.user.role; // refused: show the role the user still has
          }}
        >
          <For each={props.user.role === "owner" ? ROLES : roles()}>{(r) => <option value={r}>{r}</option>}</For>
        </select>
      </label>
      <div class="actions">
        <Show
          when={props.user.state === "deactivated"}
          fallback={
            <button type="button" onClick={deactivate}>
              Deactivate…
            </button>
          }
        >
          <button type="button" onClick={() => run(() => users.reactivate(id()), say("Reactivated."))}>
            Reactivate
          </button>
        </Show>
        <Show when={props.user.state === "banned"}>
          <button type="button" onClick={() => run(() => users.unban(id()), say("Ban lifted."))}>
            Unban
          </button>
        </Show>
        <button type="button" onClick={signOut}>
          Force sign-out…
        </button>
        <button
          type="button"
          onClick={() =>
            run(
              () => users.resetLink(id()),
              (l) => setLink(l.link),
            )
          }
        >
          New reset link
        </button>
        <Link to="/users/$id" params={{ id: props.user.id }}>
          Open page
        </Link>
        <Link to="/audit" search={{ target: props.user.email }}>
          Audit log
        </Link>
      </div>
      <Show when={props.user.state !== "banned"}>
        <BanForm onBan={ban} />
      </Show>
      <ErrorText error={action.error()} />
      <confirm.View />
      <Show when={notice()}>
        <p class="notice">{notice()}</p>
      </Show>
      <Show when={link()}>{(l) => <OneTimeLink link={l()} label="Set-password link" />}</Show>
    </aside>
  );
}
