// A labelled input with an optional hint (its description, not part of its name): the one form field of
// both apps.
import { createUniqueId, type JSX, Show, splitProps } from "solid-js";

type InputProps = JSX.InputHTMLAttributes<HTMLInputElement>;

export function Field(props: InputProps & { label: string; hint?: string; onValue?: (value: string) => void }) {
  const [own, input] = splitProps(props, ["label", "hint", "onValue"]);
  const id = createUniqueId();
  return (
    <div class="p-field">
      <label class="p-label" for={id}>
        {own.label}
      </label>
      <input
        {...input}
        id={id}
        aria-describedby={own.hint ? `${id}-hint` : undefined}
        onInput={(e) => own.onValue?.(e.currentTarget.value)}
      />
      <Show when={own.hint}>
        <span class="p-hint" id={`${id}-hint`}>
          {own.hint}
        </span>
      </Show>
    </div>
  );
}
