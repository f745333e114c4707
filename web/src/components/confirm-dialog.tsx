import { onMount } from "solid-js";
import { Modal } from "./modal";

/** Asks before something that cannot be undone; the safe choice has the focus. */
export function ConfirmDialog(props: {
  title: string;
  message: string;
  confirm: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  let cancel: HTMLButtonElement | undefined;
  onMount(() => cancel?.focus());
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <p>{props.message}</p>
      <div class="row end">
        <button type="button" ref={cancel} onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            props.onClose();
            props.onConfirm();
          }}
        >
          {props.confirm}
        </button>
      </div>
    </Modal>
  );
}
