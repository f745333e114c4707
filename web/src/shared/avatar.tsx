// A person's picture, or their initials on a colour of their own when they have none (or it fails to load).
import { createSignal, Show } from "solid-js";

const COLOURS = ["#4f46e5", "#0e7490", "#b45309", "#be185d", "#15803d", "#7c3aed", "#c2410c", "#1d4ed8"];

function colourOf(id: string) {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return COLOURS[h % COLOURS.length];
}

export function initialsOf(name: string) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : [name.trim()];
  return letters
    .map((w) => [...(w ?? "")][0] ?? "")
    .join("")
    .toUpperCase();
}

export function Avatar(props: { id: string; name: string; url?: string | null; size?: number }) {
  const [failed, setFailed] = createSignal(false);
  const size = () => props.size ?? 32;
  return (
    <span
      class="p-avatar"
      style={{
        width: `${size()}px`,
        height: `${size()}px`,
        "font-size": `${Math.round(size() * 0.42)}px`,
        background: colourOf(props.id),
      }}
      aria-hidden="true"
    >
      <Show when={props.url && !failed()} fallback={initialsOf(props.name)}>
        <img src={props.url ?? ""} alt="" referrerpolicy="no-referrer" onError={() => setFailed(true)} />
      </Show>
    </span>
  );
}
