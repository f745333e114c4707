// The member directory ("/people", people.tsx): search by name, a page at a time; each card offers "Message".
import { useNavigate } from "@tanstack/solid-router";
import { createSignal, For, onCleanup, Show } from "solid-js";
import { DrawerToggle } from "../components/drawer-toggle";
import { PersonCard } from "../components/person-card";
import { type Person, searchPeople } from "../lib/people";
import { createAction } from "../shared/action";
import { ErrorText } from "../shared/error-text";
import { useStore } from "../store";

export function PeoplePage() {
  const store = useStore();
  const navigate = useNavigate();
  const [people, setPeople] = createSignal<Person[]>([]);
  const [next, setNext] = createSignal<string | null>(null);
  const [q, setQ] = createSignal("");
  const [now, setNow] = createSignal(new Date());
  const clock = setInterval(() => setNow(new Date()), 30_000);
  onCleanup(() => clearInterval(clock));
  const loading = createAction();
  const messaging = createAction();

  async function load(query: string, more = false) {
    const page = await loading.run(() => searchPeople(query, more ? next() : null));
    if (!page || query !== q()) return; // a newer search is on its way
    for (const p of page.people) store.presence.seen(p.id, p.presence);
    store.presence.learn(page.people);
    setPeople(more ? [...people(), ...page.people] : page.people);
    setNext(page.nextCursor);
  }
  void load("");

  async function message(person: Person) {
    const id = await messaging.run(() => store.openConversation([person.id]));
    if (id) await navigate({ to: "/c/$channelId", params: { channelId: id } });
  }

  return (
    <main class="main people-page">
      <header class="channel-header">
        <div class="header-row">
          <DrawerToggle />
          <h1>People</h1>
        </div>
      </header>
      <div class="people-body">
        <input
          type="search"
          class="people-search"
          aria-label="Search people"
          placeholder="Search people by name"
          onInput={(e) => {
            setQ(e.currentTarget.value.trim());
            void load(q());
          }}
        />
        <ErrorText error={loading.error() || messaging.error()} />
        <div class="people-grid" data-testid="people">
          <For each={people()} fallback={<p class="muted">{loading.pending() ? "Loading…" : "Nobody found."}</p>}>
            {(person) => <PersonCard person={person} now={now()} onMessage={message} />}
          </For>
        </div>
        <Show when={next()}>
          <button type="button" class="secondary more" disabled={loading.pending()} onClick={() => load(q(), true)}>
            Show more
          </button>
        </Show>
      </div>
    </main>
  );
}
