// Every destructive action goes through this: a modal that says what will happen and, where the audit log
// wants one, asks why. Nothing is sent until the admin confirms; Escape or Cancel changes nothing.
import { createEffect, createSignal, type JSX, Show } from "solid-js";

export interface ConfirmRequest {
  title: string;
  /** What will happen, in plain words. */
  body: JSX.Element;
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
            <div class="confirm-body">{request().body}</div>
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
