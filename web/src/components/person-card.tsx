// A person as the directory shows them: picture, name, status, presence, local time, and "Message".
import { Show } from "solid-js";
import { localTime, type Person, presenceLabel } from "../lib/people";
import { Avatar } from "../shared/avatar";
import { useStore } from "../store";

export function PersonCard(props: { person: Person; onMessage?: (person: Person) => void; now: Date }) {
  const store = useStore();
  const status = () => {
    const live = store.presence.status(props.person.id);
    return live === "unknown" ? props.person.presence : live;
  };
  const me = () => store.session.user()?.id === props.person.id;
  const time = () => localTime(props.person.timeZone, props.now);
  return (
    <article class="person-card" data-testid="person-card" aria-label={props.person.displayName}>
      <Avatar id={props.person.id} name={props.person.displayName} url={props.person.avatarUrl} size={56} />
      <div class="person-text">
        <h3>
          {props.person.displayName}
          <Show when={props.person.role === "guest"}>
            <span class="tag">guest</span>
          </Show>
          <Show when={me()}>
            <span class="muted small"> (you)</span>
          </Show>
        </h3>
        <Show when={props.person.statusText || props.person.statusEmoji}>
          <p class="status-line" data-testid="person-status">
            {props.person.statusEmoji} {props.person.statusText}
          </p>
        </Show>
        <p class="muted small">
          <span class={`dot ${status()}`} data-testid="person-presence" data-status={status()} />{" "}
          {presenceLabel(status(), props.person.lastSeenAt)}
          <Show when={time()}>
            {" · "}
            <span data-testid="person-time">{time()} local time</span>
          </Show>
        </p>
      </div>
      <Show when={props.onMessage && !me()}>
        <button type="button" class="secondary" onClick={() => props.onMessage?.(props.person)}>
          Message
        </button>
      </Show>
    </article>
  );
}
