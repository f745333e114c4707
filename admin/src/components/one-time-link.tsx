// A secret link the API shows once: selectable, copyable, and said to be shown once.
import { createSignal } from "solid-js";

export function OneTimeLink(props: { link: string; label: string }) {
  const [copied, setCopied] = createSignal(false);
  let input: HTMLInputElement | undefined;
  async function copy() {
    input?.select();
    try {
      await navigator.clipboard.writeText(props.link);
      setCopied(true);
    } catch {
      // Clipboard needs a secure context; the text is selected for Ctrl+C instead.
    }
  }
  return (
    <div class="one-time-link" data-testid="one-time-link">
      <p>
        <strong>{props.label}</strong> — shown only once, copy it now.
      </p>
      <div class="row">
        <input ref={input} readonly value={props.link} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>
          {copied() ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}
