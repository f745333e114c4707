// Mentions of people outside the channel. The autocomplete offers them after the channel's members, from
// the directory (GET /api/people: a guest gets only the people they may see). Mentioning one notifies
// nobody (the server resolves mentions among members only), so, as Slack does, the composer says so once
// the message is sent and offers to add them (who may add is the server's rule; a refusal is shown).
import { createSignal, onCleanup } from "solid-js";
import { type Person, searchPeople } from "../../lib/people";
import { createAction } from "../../shared/action";
import { ErrorText } from "../../shared/error-text";
import { api, read } from "../../shared/http";
import { useStore } from "../../store";

/** The directory's people matching the mention being typed, asked a moment after the typing stops. */
export function createDirectoryLookup() {
  const store = useStore();
  const [found, setFound] = createSignal<{ query: string; people: Person[] }>({ query: "", people: [] });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = "";
  onCleanup(() => clearTimeout(timer));
  function lookUp(query: string) {
    if (query === asked) return;
    asked = query;
    clearTimeout(timer);
    timer = setTimeout(() => {
      searchPeople(query, null, 8).then(
        (page) => {
          store.presence.learn(page.people);
          if (asked === query) setFound({ query, people: page.people });
        },
        () => {},
      );
    }, 150);
  }
  /** People found for exactly this query (none until its answer is in). */
  const peopleFor = (query: string) => (found().query === query ? found().people : []);
  return { lookUp, peopleFor };
}

export function NotInChannelNotice(props: {
  channelId: string;
  people: { id: string; name: string }[];
  onDone: () => void;
}) {
  const store = useStore();
  const adding = createAction();
  const channel = () => store.channels.byId(props.channelId);
  const names = () => props.people.map((p) => p.name).join(", ");
  async function add() {
    const ok = await adding.run(async () => {
      await read(
        await api.api.channels[":id"].members.$post({
          param: { id: props.channelId },
          json: { userIds: props.people.map((p) => p.id) },
        }),
      );
      return true;
    });
    if (ok) {
      store.loadMembers(props.channelId, true);
      props.onDone();
    }
  }
  return (
    <div class="not-in-channel" role="status" data-testid="not-in-channel">
      <p>
        <strong>{names()}</strong> {props.people.length === 1 ? "is" : "are"} not in #{channel()?.name ?? ""} and
        {props.people.length === 1 ? " was" : " were"} not notified. Add{" "}
        {props.people.length === 1 ? "them" : "them all"} to the channel?
      </p>
      <div class="not-in-channel-actions">
        <button type="button" class="p-button primary" onClick={() => void add()} disabled={adding.pending()}>
          Add to channel
        </button>
        <button type="button" class="secondary" onClick={props.onDone}>
          Do nothing
        </button>
      </div>
      <ErrorText error={adding.error()} />
    </div>
  );
}
