import { createRoute } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { createAction } from "../components/action";
import { ChannelMembers } from "../components/channel-members";
import { createConfirm } from "../components/confirm";
import { debounced } from "../components/debounce";
import { EmptyRow, LoadMore } from "../components/list-bits";
import type { Channel } from "../lib/api";
import { useStores } from "../store";
import { authedRoute } from "./authed";

function ChannelRow(props: {
  channel: Channel;
  run: (fn: () => Promise<unknown>) => unknown;
  ask: ReturnType<typeof createConfirm>["ask"];
  selected: boolean;
  onMembers: () => void;
}) {
  const { channels } = useStores();
  const [editing, setEditing] = createSignal(false);
  const [name, setName] = createSignal("");
  const archived = () => props.channel.archivedAt !== null;
  function startEditing() {
    setName(props.channel.name);
    setEditing(true);
  }
  function rename(e: SubmitEvent) {
    e.preventDefault();
    setEditing(false);
    props.run(() => channels.rename(props.channel.id, name()));
  }
  const archive = () =>
    props.ask({
      title: `Archive #${props.channel.name}?`,
      body: () => (
        <p>
          Its {props.channel.memberCount} member(s) can still read <strong>#{props.channel.name}</strong> and its
          history, but nobody can post, react or join until it is unarchived.
          {props.channel.isDefault ? " New accounts stop joining it." : ""} The audit log records it.
        </p>
      ),
      confirmLabel: "Archive channel",
      run: () => channels.setArchived(props.channel.id, true),
      done: () => `Archived #${props.channel.name}.`,
    });
  return (
    <tr
      data-testid="channel-row"
      data-name={props.channel.name}
      classList={{ archived: archived(), selected: props.selected }}
    >
      <td>
        <Show
          when={editing()}
          fallback={
            <>
              <span class="channel-name">#{props.channel.name}</span>{" "}
              <button type="button" class="link" onClick={startEditing}>
                rename
              </button>
            </>
          }
        >
          <form class="row" onSubmit={rename}>
            <input name="name" value={name()} required onInput={(e) => setName(e.currentTarget.value)} />
            <button type="submit">Save</button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        </Show>
      </td>
      <td>{props.channel.kind}</td>
      <td class="num">
        <button type="button" class="link" onClick={props.onMembers} aria-label={`Members of ${props.channel.name}`}>
          {props.channel.memberCount}
        </button>
      </td>
      <td>{props.channel.topic}</td>
      <td>
        <Show when={props.channel.kind === "public"} fallback={<span class="muted">—</span>}>
          <input
            type="checkbox"
            name="isDefault"
            aria-label={`New accounts join #${props.channel.name}`}
            checked={props.channel.isDefault}
            disabled={archived()}
            onChange={(e) => props.run(() => channels.setDefault(props.channel.id, e.currentTarget.checked))}
          />
        </Show>
      </td>
      <td>
        <span class={`badge ${archived() ? "archived" : "active"}`}>{archived() ? "archived" : "active"}</span>
      </td>
      <td>
        <Show
          when={archived()}
          fallback={
            <button type="button" onClick={archive}>
              Archive…
            </button>
          }
        >
          <button type="button" onClick={() => props.run(() => channels.setArchived(props.channel.id, false))}>
            Unarchive
          </button>
        </Show>
      </td>
    </tr>
  );
}

function Channels() {
  const { channels } = useStores();
  const state = channels.list.state;
  const action = createAction();
  const confirm = createConfirm();
  const search = debounced((q: string) => channels.search(q));
  const [openId, setOpenId] = createSignal<string | null>(null);
  const open = () => state.items.find((c) => c.id === openId());
  return (
    <>
      <header class="page-head">
        <h2>Channels</h2>
      </header>
      <div class="filters">
        <input
          type="search"
          name="q"
          placeholder="Search by name (prefix)"
          value={channels.query()}
          onInput={(e) => search(e.currentTarget.value)}
        />
      </div>
      <ErrorText error={state.error || action.error()} />
      <confirm.View />
      <p class="muted">
        New accounts join the channels ticked under “New accounts join” when they first get in. Click a member count to
        add or remove members, private channels too.
      </p>
      <div class="split">
        <div class="grow">
          <table data-testid="channels">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th class="num">Members</th>
                <th>Topic</th>
                <th>New accounts join</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For
                each={state.items}
                fallback={<EmptyRow cols={7} text={state.loading ? "Loading…" : "No channels."} />}
              >
                {(channel) => (
                  <ChannelRow
                    channel={channel}
                    run={action.run}
                    ask={confirm.ask}
                    selected={openId() === channel.id}
                    onMembers={() => setOpenId(channel.id)}
                  />
                )}
              </For>
            </tbody>
          </table>
          <LoadMore list={channels.list} />
        </div>
        <Show when={open()}>{(channel) => <ChannelMembers channel={channel()} onClose={() => setOpenId(null)} />}</Show>
      </div>
    </>
  );
}

export const channelsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/channels",
  loader: ({ context }) => context.stores.channels.list.load(),
  component: Channels,
});
