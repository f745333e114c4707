import type { MessageView } from "api/client";
import { createSignal, onCleanup, Show } from "solid-js";
import { emojiOf } from "../lib/emoji";
import { useStore } from "../store";

type Reaction = MessageView["reactions"][number];

/** One emoji's count on a message: a click toggles mine; hover (title) or a long press tells who reacted. */
export function ReactionButton(props: { messageId: string; reaction: Reaction }) {
  const store = useStore();
  const [showWho, setShowWho] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let longPressed = false;
  onCleanup(() => clearTimeout(timer));
  const shown = () => {
    const e = props.reaction.emoji;
    return e.startsWith(":") ? (emojiOf(e.slice(1, -1)) ?? e) : e;
  };
  const who = () => {
    const me = store.session.user()?.id;
    const names = props.reaction.userIds.map((id) => (id === me ? "you" : (store.presence.name(id) ?? "someone")));
    return `${names.join(", ")} reacted with ${props.reaction.emoji}`;
  };
  return (
    <span class="reaction-wrap">
      <button
        type="button"
        class="reaction"
        classList={{ mine: props.reaction.me }}
        aria-pressed={props.reaction.me}
        aria-label={`${shown()} ${props.reaction.count}: ${who()}`}
        title={who()}
        onPointerDown={(e) => {
          if (e.pointerType !== "touch") return;
          longPressed = false;
          timer = setTimeout(() => {
            longPressed = true;
            setShowWho(true);
          }, 500);
        }}
        onPointerUp={() => clearTimeout(timer)}
        onPointerLeave={() => {
          clearTimeout(timer);
          setShowWho(false);
        }}
        onContextMenu={(e) => longPressed && e.preventDefault()}
        onClick={() => {
          if (longPressed) {
            longPressed = false;
            return;
          }
          store.react(props.messageId, props.reaction.emoji);
        }}
      >
        {shown()} {props.reaction.count}
      </button>
      <Show when={showWho()}>
        <span class="reaction-who" role="tooltip" data-testid="reaction-who">
          {who()}
        </span>
      </Show>
    </span>
  );
}
