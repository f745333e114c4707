import { createRoute } from "@tanstack/solid-router";
import { For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { createConfirm } from "../components/confirm";
import { InviteForm } from "../components/invite-form";
import { EmptyRow, LoadMore } from "../components/list-bits";
import { Time } from "../components/time";
import type { Invite } from "../lib/api";
import { useStores } from "../store";
import { authedRoute } from "./authed";

function Invites() {
  const { invites } = useStores();
  const state = invites.list.state;
  const confirm = createConfirm();
  const revoke = (invite: Invite) =>
    confirm.ask({
      title: "Revoke this invite?",
      body: () => (
        <p>
          The {invite.role} invite link stops working at once ({invite.uses} of {invite.maxUses} uses taken). Accounts
          already made with it stay. This cannot be undone; the audit log records it.
        </p>
      ),
      confirmLabel: "Revoke invite",
      run: () => invites.revoke(invite.id),
    });
  return (
    <>
      <header class="page-head">
        <h2>Invites</h2>
      </header>
      <InviteForm />
      <ErrorText error={state.error} />
      <confirm.View />
      <table data-testid="invites">
        <thead>
          <tr>
            <th>Created</th>
            <th>Role</th>
            <th>Uses</th>
            <th>Expires</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={state.items} fallback={<EmptyRow cols={6} text="No invites." />}>
            {(invite) => (
              <tr data-testid="invite-row" data-status={invite.status}>
                <td>
                  <Time iso={invite.createdAt} />
                </td>
                <td>{invite.role}</td>
                <td>
                  {invite.uses} / {invite.maxUses}
                </td>
                <td>
                  <Time iso={invite.expiresAt} />
                </td>
                <td>
                  <span class={`badge ${invite.status}`}>{invite.status}</span>
                </td>
                <td>
                  <Show when={invite.status === "active"}>
                    <button type="button" disabled={confirm.pending()} onClick={() => revoke(invite)}>
                      Revoke…
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <LoadMore list={invites.list} />
    </>
  );
}

export const invitesRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/invites",
  loader: ({ context }) => context.stores.invites.list.load(),
  component: Invites,
});
