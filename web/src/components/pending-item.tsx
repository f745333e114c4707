import { Show } from "solid-js";
import { Avatar } from "../shared/avatar";
import { useStore } from "../store";
import type { Pending } from "../store/messages";
import { Markdown } from "./markdown/markdown";

/** My send that is not in the log yet: greyed while sending; failed ones say why and offer Retry. */
export function PendingItem(props: { pending: Pending }) {
  const store = useStore();
  const me = () => store.session.user();
  const context = {
    nameOf: (id: string) => store.presence.name(id),
    get meId() {
      return me()?.id ?? "";
    },
  };
  return (
    <div
      class="message pending"
      classList={{ failed: props.pending.status === "failed" }}
      data-testid="pending-message"
      data-client-id={props.pending.clientId}
    >
      <div class="gutter">
        <Avatar id={me()?.id ?? ""} name={me()?.displayName ?? ""} url={me()?.avatarUrl} size={36} />
      </div>
      <div class="content">
        <div class="meta">
          <strong class="author">{me()?.displayName}</strong>
          <span class="muted small" data-testid="pending-status">
            {props.pending.status === "failed" ? `Not sent: ${props.pending.error ?? ""}` : "Sending…"}
          </span>
        </div>
        <div class="body md">
          <Markdown body={props.pending.body} context={context} />
        </div>
        <Show when={props.pending.status === "failed"}>
          <button type="button" onClick={() => store.retry(props.pending.clientId)}>
            Retry
          </button>
        </Show>
      </div>
    </div>
  );
}
