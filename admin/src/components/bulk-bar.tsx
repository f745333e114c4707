// Actions on the users ticked in the table: deactivate or sign out, each after a confirmation that says
// how many and what happens; afterwards, what was done and what was refused (and why).
import { Show } from "solid-js";
import type { BulkAction, User } from "../lib/api";
import { useStores } from "../store";
import { createConfirm } from "./confirm";

const WHAT: Record<BulkAction, { verb: string; done: string; effect: string }> = {
  deactivate: {
    verb: "Deactivate",
    done: "Deactivated",
    effect: "They are signed out everywhere at once and cannot sign in until reactivated.",
  },
  "sign-out": {
    verb: "Sign out",
    done: "Signed out",
    effect: "Every session of theirs ends at once; they can sign in again.",
  },
};

export function BulkBar(props: { selected: User[]; onDone: () => void }) {
  const { users } = useStores();
  const confirm = createConfirm();
  const count = () => props.selected.length;
  const plural = () => (count() === 1 ? "1 user" : `${count()} users`);
  function ask(kind: BulkAction) {
    const names = props.selected.map((u) => u.displayName).join(", ");
    const ids = props.selected.map((u) => u.id);
    confirm.ask({
      title: `${WHAT[kind].verb} ${plural()}?`,
      body: () => (
        <p>
          {WHAT[kind].effect} ({names})
        </p>
      ),
      confirmLabel: `${WHAT[kind].verb} ${plural()}`,
      reason: "optional",
      run: async (reason) => {
        const results = await users.bulk(ids, kind, reason);
        props.onDone();
        return results;
      },
      done: (results) => {
        const refused = results.filter((r) => !r.ok);
        const done = results.length - refused.length;
        return (
          `${WHAT[kind].done} ${done} of ${results.length}.` +
          (refused.length > 0 ? ` Refused: ${refused.map((r) => r.error?.message).join(" ")}` : "")
        );
      },
    });
  }
  return (
    <>
      <Show when={count() > 0}>
        <div class="bulk-bar" role="toolbar" aria-label="Selected users">
          <span data-testid="selected-count">{plural()} selected</span>
          <button type="button" onClick={() => ask("deactivate")}>
            Deactivate…
          </button>
          <button type="button" onClick={() => ask("sign-out")}>
            Sign out…
          </button>
        </div>
      </Show>
      <confirm.View />
    </>
  );
}
