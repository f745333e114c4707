import { createRoute } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { createAction } from "../components/action";
import { debounced } from "../components/debounce";
import { ErrorText } from "../components/error-text";
import { EmptyRow, LoadMore } from "../components/list-bits";
import type { Channel } from "../lib/api";
import { useStores } from "../store";
import { authedRoute } from "./authed";

function ChannelRow(props: { channel: Channel; run: (fn: () => Promise<unknown>) => unknown }) {
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
  return (
    <tr data-testid="channel-row" classList={{ archived: archived() }}>
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
      <td class="num">{props.channel.memberCount}</td>
      <td>{props.channel.topic}</td>
      <td>
        <span class={`badge ${archived() ? "archived" : "active"}`}>{archived() ? "archived" : "active"}</span>
      </td>
      <td>
        <button type="button" onClick={() => props.run(() => channels.setArchived(props.channel.id, !archived()))}>
          {archived() ? "Unarchive" : "Archive"}
        </button>
      </td>
    </tr>
  );
}

function Channels() {
  const { channels } = useStores();
  const state = channels.list.state;
  const action = createAction();
  const search = debounced((q: string) => channels.search(q));
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
      <table data-testid="channels">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th class="num">Members</th>
            <th>Topic</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={state.items} fallback={<EmptyRow cols={6} text={state.loading ? "Loading…" : "No channels."} />}>
            {(channel) => <ChannelRow channel={channel} run={action.run} />}
          </For>
        </tbody>
      </table>
      <LoadMore list={channels.list} />
    </>
  );
}

export const channelsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/channels",
  loader: ({ context }) => context.stores.channels.list.load(),
  component: Channels,
});
