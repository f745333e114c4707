import { createSignal } from "solid-js";
import { useStore } from "../store";

/** Enter sends; Shift+Enter is a new line. */
export function Composer(props: { channelId: string }) {
  const store = useStore();
  const [text, setText] = createSignal("");
  const name = () => store.channels.byId(props.channelId)?.name ?? "";

  function send() {
    const body = text().trim();
    if (!body) return;
    store.send(props.channelId, body);
    setText("");
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label class="sr-only" for="composer-input">
        Message
      </label>
      <textarea
        id="composer-input"
        rows={1}
        maxLength={4000}
        placeholder={`Message ${name()}`}
        value={text()}
        onInput={(e) => {
          setText(e.currentTarget.value);
          if (e.currentTarget.value.trim()) store.typing(props.channelId);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="primary">
        Send
      </button>
    </form>
  );
}
