// Every destructive action goes through this: a modal that says what will happen and, where the audit log
// wants one, asks why. Nothing is sent until the admin confirms; Escape or Cancel changes nothing.
import { createEffect, createSignal, type JSX, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { createAction } from "./action";

export interface ConfirmRequest {
  title: string;
  /**
   * What will happen, in plain words. A function, so the dialog renders it under its own owner: made in a
   * click handler instead, its reactive reads would outlive the dialog and run against a row or panel that
   * is gone ("Stale read from <Show>").
   */
  body: () => JSX.Element;
  confirmLabel: string;
  /** Ask for a reason (kept in the audit log); required when set to "required". */
  reason?: "optional" | "required";
  onConfirm: (reason: string) => Promise<unknown> | unknown;
}

export function ConfirmDialog(props: { request: ConfirmRequest | null; onClose: () => void }) {
  let dialog!: HTMLDialogElement;
  const [reason, setReason] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  createEffect(() => {
    if (props.request) {
      setReason("");
      if (!dialog.open) dialog.showModal();
    } else if (dialog.open) dialog.close();
  });
  async function confirm(e: SubmitEvent) {
    e.preventDefault();
    const request = props.request;
    if (!request) return;
    setBusy(true);
    try {
      await request.onConfirm(reason().trim());
    } finally {
      setBusy(false);
      props.onClose();
    }
  }
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title" onClose={() => props.onClose()}>
      <Show when={props.request}>
        {(request) => (
          <form onSubmit={confirm}>
            <h3 id="confirm-title">{request().title}</h3>
            <div class="confirm-body">{request().body()}</div>
            <Show when={request().reason}>
              <label>
                Reason {request().reason === "required" ? "(kept in the audit log)" : "(optional, for the audit log)"}
                <textarea
                  name="reason"
                  rows={2}
                  maxLength={500}
                  required={request().reason === "required"}
                  value={reason()}
                  onInput={(e) => setReason(e.currentTarget.value)}
                />
              </label>
            </Show>
            <div class="actions">
              <button type="button" onClick={() => props.onClose()} disabled={busy()}>
                Cancel
              </button>
              <button type="submit" class="danger" disabled={busy()}>
                {request().confirmLabel}
              </button>
            </div>
          </form>
        )}
      </Show>
    </dialog>
  );
}

export interface Confirmation<T> {
  title: string;
  /** What will happen, in plain words (rendered by the dialog, see ConfirmRequest). */
  body: () => JSX.Element;
  confirmLabel: string;
  reason?: "optional" | "required";
  /** The change itself, run once the admin confirms. */
  run: (reason: string) => Promise<T>;
  /** The status line once it is done, from what it returned. */
  done?: (result: T) => string;
}

/**
 * A place's confirmed actions: `ask` opens the dialog; `<View />` is the dialog plus the outcome (the API's
 * refusal or the status line), rendered where the outcome should read. Every destructive admin action
 * goes through one of these, so each says what it will do and nothing is sent before the admin agrees.
 */
export function createConfirm() {
  const action = createAction();
  const [notice, setNotice] = createSignal("");
  const [request, setRequest] = createSignal<ConfirmRequest | null>(null);
  function ask<T>(confirmation: Confirmation<T>) {
    setNotice("");
    action.setError("");
    setRequest({
      title: confirmation.title,
      body: confirmation.body,
      confirmLabel: confirmation.confirmLabel,
      reason: confirmation.reason,
      onConfirm: async (reason) => {
        // Wrapped, so an action that returns nothing still counts as done.
        const result = await action.run(async () => ({ value: await confirmation.run(reason) }));
        if (result && confirmation.done) setNotice(confirmation.done(result.value));
      },
    });
  }
  function View() {
    return (
      <>
        <ErrorText error={action.error()} />
        <Show when={notice()}>
          <p class="notice" role="status">
            {notice()}
          </p>
        </Show>
        <ConfirmDialog request={request()} onClose={() => setRequest(null)} />
      </>
    );
  }
  return { ask, pending: action.pending, View };
}
