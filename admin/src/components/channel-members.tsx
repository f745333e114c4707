// One channel's members, beside the channels table: remove anyone, add people found by name or email.
// Workspace admins manage private channels here without being in them.
import { createResource, createSignal, For, Show } from "solid-js";
import { Avatar, ErrorText } from "web/shared";
import { type Channel, type ChannelMember, gateway } from "../lib/api";
import { useStores } from "../store";
import { createAction } from "./action";
import { createConfirm } from "./confirm";
import { debounced } from "./debounce";

export function ChannelMembers(props: { channel: Channel; onClose: () => void }) {
  const { channels } = useStores();
  const action = createAction();
  const [members, { refetch }] = createResource(
    () => props.channel.id,
    async (id) => (await gateway.listMembers(id)).members,
  );
  const [query, setQuery] = createSignal("");
  const [found] = createResource(query, async (q) =>
    q ? (await gateway.listUsers({ q, state: "active", limit: "8" })).users : [],
  );
  const search = debounced((q: string) => setQuery(q.trim()));
  const isMember = (userId: string) => members()?.some((m) => m.id === userId) ?? false;

  async function add(userId: string) {
    const done = await action.run(() => gateway.addMembers(props.channel.id, [userId]));
    if (done) channels.countMembers(props.channel.id, done.added.length);
    await refetch();
  }
  const confirm = createConfirm();
  const remove = (member: ChannelMember) =>
    confirm.ask({
      title: `Remove ${member.displayName} from #${props.channel.name}?`,
      body: () => (
        <p>
          <strong>{member.displayName}</strong> leaves <strong>#{props.channel.name}</strong> at once: it disappears
          from their sidebar{props.channel.kind === "private" ? " and they can no longer read it" : ""}. They can be
          added again. The audit log records it.
        </p>
      ),
      confirmLabel: "Remove member",
      run: async () => {
        try {
          await gateway.removeMember(props.channel.id, member.id);
          channels.countMembers(props.channel.id, -1);
        } finally {
          await refetch();
        }
      },
    });

  return (
    <aside class="card detail" data-testid="channel-members">
      <header>
        <h3>
          {props.channel.kind === "private" ? "Private: " : "#"}
          {props.channel.name}
        </h3>
        <button type="button" class="link" onClick={props.onClose}>
          Close
        </button>
      </header>
      <label>
        Add people
        <input
          type="search"
          name="people"
          placeholder="Name or email (prefix)"
          onInput={(e) => search(e.currentTarget.value)}
        />
      </label>
      <Show when={(found() ?? []).length > 0}>
        <ul class="people" data-testid="member-candidates">
          <For each={found()}>
            {(user) => (
              <li>
                <Avatar id={user.id} name={user.displayName} url={user.avatarUrl} size={24} />
                <span class="grow">
                  {user.displayName} <span class="muted">{user.email}</span>
                </span>
                <Show when={!isMember(user.id)} fallback={<span class="muted">member</span>}>
                  <button type="button" disabled={action.pending()} onClick={() => add(user.id)}>
                    Add
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <ErrorText error={action.error()} />
      <confirm.View />
      <h4>
        {members()?.length ?? "…"} member{members()?.length === 1 ? "" : "s"}
      </h4>
      <ul class="people" data-testid="member-list">
        <For each={members() ?? []}>
          {(member) => (
            <li data-testid="member-row" data-name={member.displayName}>
              <Avatar id={member.id} name={member.displayName} url={member.avatarUrl} size={24} />
              <span class="grow">
                {member.displayName}
                <Show when={member.role === "admin"}>
                  <span class="badge">channel admin</span>
                </Show>
              </span>
              <button type="button" disabled={action.pending()} onClick={() => remove(member)}>
                Remove…
              </button>
            </li>
          )}
        </For>
      </ul>
    </aside>
  );
}
