// Recent messages for moderation (a channel's or a person's), each with "Delete…": the confirmation says
// whose message goes from where, asks the reason the audit log keeps, and the row goes once the API took it.
import { For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import type { ModeratedMessage } from "../lib/api";
import type { createPagedList } from "../store/paged";
import { createConfirm } from "./confirm";
import { EmptyRow, LoadMore } from "./list-bits";
import { Time } from "./time";

/** Mentions are stored as <@id>; shown as @… so the text reads as people wrote it. */
const readable = (body: string) => body.replace(/<@[0-9a-f-]{36}>/g, "@…");

export function MessageTable(props: {
  list: ReturnType<typeof createPagedList<ModeratedMessage>>;
  onDelete: (message: ModeratedMessage, reason: string) => Promise<unknown>;
  /** Show the channel column (a person's messages across channels). */
  showChannel?: boolean;
}) {
  const confirm = createConfirm();
  const state = props.list.state;
  const cols = () => (props.showChannel ? 5 : 4);
  const askDelete = (message: ModeratedMessage) =>
    confirm.ask({
      title: "Delete this message?",
      body: () => (
        <p>
          The message by <strong>{message.author.displayName}</strong> in <strong>#{message.channel.name}</strong>{" "}
          disappears for everyone in the channel at once. This cannot be undone; the audit log records who deleted it
          and why.
        </p>
      ),
      confirmLabel: "Delete message",
      reason: "required",
      run: (reason) => props.onDelete(message, reason),
      done: () => `Deleted the message by ${message.author.displayName}.`,
    });
  return (
    <>
      <ErrorText error={state.error} />
      <confirm.View />
      <table data-testid="messages">
        <thead>
          <tr>
            <th>When</th>
            <Show when={props.showChannel}>
              <th>Channel</th>
            </Show>
            <th>Author</th>
            <th>Message</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For
            each={state.items}
            fallback={<EmptyRow cols={cols()} text={state.loading ? "Loading…" : "No messages."} />}
          >
            {(message) => (
              <tr data-testid="message-row" data-message-id={message.id}>
                <td>
                  <Time iso={message.createdAt} />
                </td>
                <Show when={props.showChannel}>
                  <td>#{message.channel.name}</td>
                </Show>
                <td>{message.author.displayName}</td>
                <td class="message-body">
                  {readable(message.body)}
                  <Show when={message.editedAt}>
                    <span class="muted"> (edited)</span>
                  </Show>
                </td>
                <td>
                  <button type="button" class="danger-link" onClick={() => askDelete(message)}>
                    Delete…
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <LoadMore list={props.list} />
    </>
  );
}
