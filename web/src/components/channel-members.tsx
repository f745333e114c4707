// A channel's members with their presence, a page at a time. "Add people" searches the directory (any
// member of a public channel; a private channel's admins); channel admins remove members. The change is
// live for the person added or removed (the server tells their sockets).
import { createResource, createSignal, For, Show } from "solid-js";
import { type Person, searchPeople } from "../lib/people";
import { createAction } from "../shared/action";
import { Avatar } from "../shared/avatar";
import { ErrorText } from "../shared/error-text";
import { api, read } from "../shared/http";
import { useStore } from "../store";

interface Member {
  id: string;
  displayName: string;
  avatarUrl: string | null;
  role: "admin" | "member";
}

async function membersOf(channelId: string) {
  const all: Member[] = [];
  let cursor: string | null = null;
  do {
    const query: { limit: string; cursor?: string } = { limit: "500" };
    if (cursor) query.cursor = cursor;
    const res = await api.api.channels[":id"].members.$get({ param: { id: channelId }, query });
    const page: { members: Member[]; nextCursor: string | null } = await read(res);
    all.push(...page.members);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export function ChannelMembers(props: {
  channelId: string;
  private: boolean;
  member: boolean;
  canManage: boolean;
  conversation: boolean;
  onChanged: () => void;
}) {
  const store = useStore();
  const [members, { refetch }] = createResource(
    () => props.channelId,
    async (id) => {
      const list = await membersOf(id);
      store.presence.learn(list);
      void store.presence.refresh(list.map((m) => m.id)).catch(() => {});
      return list;
    },
  );
  const [adding, setAdding] = createSignal(false);
  const me = () => store.session.user();
  const canAdd = () =>
    props.member && !props.conversation && me()?.role !== "guest" && (!props.private || props.canManage);
  const removing = createAction();

  async function remove(m: Member) {
    const ok = await removing.run(async () => {
      const res = await api.api.channels[":id"].members[":userId"].$delete({
        param: { id: props.channelId, userId: m.id },
      });
      await read(res);
      return true;
    });
    if (ok) {
      void refetch();
      props.onChanged();
    }
  }

  return (
    <section class="members" data-testid="channel-members">
      <Show when={canAdd()}>
        <Show
          when={adding()}
          fallback={
            <button type="button" class="secondary" onClick={() => setAdding(true)}>
              Add people
            </button>
          }
        >
          <AddPeople
            channelId={props.channelId}
            present={new Set((members() ?? []).map((m) => m.id))}
            onAdded={() => {
              void refetch();
              props.onChanged();
            }}
            onDone={() => setAdding(false)}
          />
        </Show>
      </Show>
      <ErrorText error={removing.error() || (members.error ? String(members.error) : "")} />
      <ul class="directory">
        <For each={members() ?? []} fallback={<li class="muted">{members.loading ? "Loading…" : "Nobody"}</li>}>
          {(m) => (
            <li data-testid="member">
              <span class="who">
                <Avatar id={m.id} name={m.displayName} url={m.avatarUrl} size={28} />
                <span class={`dot ${store.presence.status(m.id)}`} data-testid="member-presence" />
                <span>{m.displayName}</span>
                <Show when={m.role === "admin"}>
                  <span class="tag">admin</span>
                </Show>
              </span>
              <Show when={props.canManage && m.id !== me()?.id}>
                <button
                  type="button"
                  class="secondary"
                  aria-label={`Remove ${m.displayName}`}
                  onClick={() => remove(m)}
                >
                  Remove
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}

function AddPeople(props: { channelId: string; present: Set<string>; onAdded: () => void; onDone: () => void }) {
  const store = useStore();
  const [q, setQ] = createSignal("");
  const [found] = createResource(q, async (query) => {
    const page = await searchPeople(query, null, 20);
    for (const p of page.people) store.presence.seen(p.id, p.presence);
    return page.people;
  });
  const action = createAction();
  async function add(p: Person) {
    const ok = await action.run(async () => {
      const res = await api.api.channels[":id"].members.$post({
        param: { id: props.channelId },
        json: { userIds: [p.id] },
      });
      await read(res);
      return true;
    });
    if (ok) props.onAdded();
  }
  return (
    <div class="add-people" data-testid="add-people">
      <label>
        Add people
        <input type="search" placeholder="Name" autofocus onInput={(e) => setQ(e.currentTarget.value.trim())} />
      </label>
      <ErrorText error={action.error()} />
      <ul class="directory">
        <For each={(found() ?? []).filter((p) => !props.present.has(p.id))}>
          {(p) => (
            <li data-testid="add-candidate">
              <span class="who">
                <Avatar id={p.id} name={p.displayName} url={p.avatarUrl} size={24} />
                <span>{p.displayName}</span>
              </span>
              <button type="button" onClick={() => add(p)} disabled={action.pending()}>
                Add
              </button>
            </li>
          )}
        </For>
      </ul>
      <button type="button" class="link" onClick={props.onDone}>
        Done
      </button>
    </div>
  );
}
