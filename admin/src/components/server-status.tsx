import { createResource, Show } from "solid-js";
import { gateway } from "../lib/api";

export function ServerStatus() {
  const [status] = createResource(async () => (await gateway.readiness()).status);
  return (
    <Show when={status()} fallback={<span class="muted">Checking the server…</span>}>
      {(s) => (
        <span class="muted" data-testid="server-status">
          Server: {s()}
        </span>
      )}
    </Show>
  );
}
