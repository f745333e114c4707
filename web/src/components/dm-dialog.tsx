// "New message": find anyone in the directory (not only people met in a channel). "Message" opens a DM
// with one person; "Add" gathers several (up to 7 besides me) for a group DM, opened with "Start".
import { useNavigate } from "@tanstack/solid-router";
import { createResource, createSignal, For, Show } from "solid-js";
import { type Person, searchPeople } from "../lib/people";
import { createAction } from "../shared/action";
import { Avatar } from "../shared/avatar";
import { ErrorText } from "../shared/error-text";
import { useStore } from "../store";
import { Modal } from "./modal";

/** A group DM holds at most 8 people, me included (the API's limit). */
const MAX_OTHERS = 7;

export function DmDialog(props: { onClose: () => void }) {
  const store = useStore();
  const navigate = useNavigate();
  const [q, setQ] = createSignal("");
  const [picked, setPicked] = createSignal<Person[]>([]);
  const opening = createAction();
  const me = () => store.session.user()?.id;
  const [found] = createResource(q, async (query) => {
    const page = await searchPeople(query, null, 20);
    for (const p of page.people) store.presence.seen(p.id, p.presence);
    store.presence.learn(page.people);
    return page.people.filter((p) => p.id !== me());
  });
  const isPicked = (p: Person) => picked().some((x) => x.id === p.id);

  async function open(people: Person[]) {
    const id = await opening.run(() => store.openConversation(people.map((p) => p.id)));
    if (!id) return;
    props.onClose();
    await navigate({ to: "/c/$channelId", params: { channelId: id } });
  }

  function toggle(p: Person) {
    if (isPicked(p)) setPicked(picked().filter((x) => x.id !== p.id));
    else if (picked().length < MAX_OTHERS) setPicked([...picked(), p]);
  }

  return (
    <Modal title="New message" onClose={props.onClose}>
      <Show when={picked().length > 0}>
        <div class="picked" data-testid="picked">
          <span class="muted small">To:</span>
          <For each={picked()}>
            {(p) => (
              <button type="button" class="chip" aria-label={`Remove ${p.displayName}`} onClick={() => toggle(p)}>
                {p.displayName} ×
              </button>
            )}
          </For>
          <button type="button" class="primary" disabled={opening.pending()} onClick={() => open(picked())}>
            {picked().length === 1 ? "Start" : `Start group (${picked().length + 1})`}
          </button>
        </div>
      </Show>
      <label>
        Find people
        <input type="search" placeholder="Name" autofocus onInput={(e) => setQ(e.currentTarget.value.trim())} />
      </label>
      <ErrorText error={opening.error()} />
      <ul class="directory">
        <For each={found() ?? []} fallback={<li class="muted">{found.loading ? "Looking…" : "Nobody found."}</li>}>
          {(p) => (
            <li data-testid="dm-candidate">
              <span class="who">
                <Avatar id={p.id} name={p.displayName} url={p.avatarUrl} size={28} />
                <span class={`dot ${store.presence.status(p.id)}`} />
                <span>
                  {p.displayName}
                  <Show when={p.statusEmoji || p.statusText}>
                    <span class="muted small">
                      {" "}
                      {p.statusEmoji} {p.statusText}
                    </span>
                  </Show>
                </span>
              </span>
              <span class="row-actions">
                <button type="button" class="secondary" onClick={() => toggle(p)} aria-pressed={isPicked(p)}>
                  {isPicked(p) ? "Added" : "Add"}
                </button>
                <button type="button" onClick={() => open([p])}>
                  Message
                </button>
              </span>
            </li>
          )}
        </For>
      </ul>
    </Modal>
  );
}
