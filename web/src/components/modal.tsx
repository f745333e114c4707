import { type JSX, onCleanup } from "solid-js";
import { Portal } from "solid-js/web";

/**
 * A plain modal: a labelled dialog over a backdrop; Escape or the close button closes it. It is rendered at
 * the end of <body> (a portal), so a dialog opened from the sidebar still shows when the sidebar is a
 * closed drawer on a phone.
 */
export function Modal(props: { title: string; onClose: () => void; children: JSX.Element }) {
  const onKey = (e: KeyboardEvent) => e.key === "Escape" && props.onClose();
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));
  return (
    <Portal>
      <div class="backdrop">
        <div class="modal" role="dialog" aria-modal="true" aria-label={props.title}>
          <header>
            <h2>{props.title}</h2>
            <button type="button" class="icon" aria-label="Close" onClick={props.onClose}>
              ×
            </button>
          </header>
          {props.children}
        </div>
      </div>
    </Portal>
  );
}
