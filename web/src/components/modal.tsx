import { type JSX, onCleanup } from "solid-js";

/** A plain modal: a labelled dialog over a backdrop; Escape or the close button closes it. */
export function Modal(props: { title: string; onClose: () => void; children: JSX.Element }) {
  const onKey = (e: KeyboardEvent) => e.key === "Escape" && props.onClose();
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));
  return (
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
  );
}
