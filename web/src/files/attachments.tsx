// A message's files: images as inline previews (their thumbnail) that open in a lightbox, everything else
// as a card with name, size and type and a download link. The bytes come from /api/files, which asks who
// is looking on every request.
import type { Attachment } from "api/client";
import { createSignal, For, onCleanup, Show } from "solid-js";
import { fileUrl, formatSize } from "./upload";
import "./files.css";

/** A short type for people: the name's extension, else the sniffed type. */
export const typeLabel = (a: Attachment) => {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(a.name)?.[1];
  return ext ? ext.toUpperCase() : a.mime === "application/octet-stream" ? "File" : a.mime;
};

export function Attachments(props: { items: Attachment[] }) {
  const [open, setOpen] = createSignal<Attachment | null>(null);
  return (
    <Show when={props.items.length > 0}>
      <div class="attachments">
        <For each={props.items}>
          {(a) =>
            a.kind === "image" ? (
              <button type="button" class="image-preview" onClick={() => setOpen(a)} aria-label={`Open ${a.name}`}>
                <img
                  src={fileUrl(a.id, "thumb")}
                  alt={a.name}
                  loading="lazy"
                  width={a.width ?? undefined}
                  height={a.height ?? undefined}
                  data-testid="image-preview"
                />
              </button>
            ) : (
              <a class="file-card" href={fileUrl(a.id)} download={a.name} data-testid="file-card">
                <span class="file-icon" aria-hidden="true">
                  📄
                </span>
                <span class="file-text">
                  <span class="file-name">{a.name}</span>
                  <span class="muted small">
                    {formatSize(a.size)} · {typeLabel(a)}
                  </span>
                </span>
                <span class="file-download" aria-hidden="true">
                  ⬇
                </span>
              </a>
            )
          }
        </For>
      </div>
      <Show when={open()}>{(a) => <Lightbox file={a()} onClose={() => setOpen(null)} />}</Show>
    </Show>
  );
}

export function Lightbox(props: { file: Attachment; onClose: () => void }) {
  // Captured before anything else hears it: Escape closes the lightbox only, not a dialog it opened from.
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "Escape") return;
    e.stopPropagation();
    props.onClose();
  };
  window.addEventListener("keydown", onKey, true);
  onCleanup(() => window.removeEventListener("keydown", onKey, true));
  return (
    <div
      class="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={props.file.name}
      data-testid="lightbox"
      onClick={(e) => e.target === e.currentTarget && props.onClose()}
      onKeyDown={() => {}}
    >
      <header>
        <span class="file-name">{props.file.name}</span>
        <span class="muted small">
          {props.file.width && props.file.height ? `${props.file.width} × ${props.file.height} · ` : ""}
          {formatSize(props.file.size)}
        </span>
        <a class="button" href={fileUrl(props.file.id)} download={props.file.name}>
          Download
        </a>
        <button type="button" class="icon" aria-label="Close" onClick={props.onClose}>
          ×
        </button>
      </header>
      <img src={fileUrl(props.file.id, "preview")} alt={props.file.name} />
    </div>
  );
}
