// The composer's files: picked with the attach button, dropped on the composer, or pasted (a screenshot).
// Each uploads at once with its own progress bar and a cancel/remove button; the message is sent with
// their ids only when every one is stored.
import type { Attachment } from "api/client";
import { createSignal, For, Show } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { describeError } from "../shared/http";
import { fileUrl, formatSize, type Upload, uploadFile } from "./upload";
import "./files.css";

interface Item {
  key: string;
  name: string;
  size: number;
  progress: number;
  status: "uploading" | "stored" | "failed";
  error?: string;
  /** How many times the upload restarted after the connection dropped. */
  restarts?: number;
  file?: Attachment;
  /** A local preview of an image while it uploads. */
  localUrl?: string;
}

const MAX_FILES = 10;

export function createComposerFiles(channelId: () => string) {
  const [items, setItems] = createStore<Item[]>([]);
  const [dragging, setDragging] = createSignal(false);
  const running = new Map<string, Upload>();
  const set = (key: string, change: (i: Item) => void) => setItems((i) => i.key === key, produce(change));

  function add(files: Iterable<File>) {
    for (const file of files) {
      if (items.length >= MAX_FILES) break;
      const key = crypto.randomUUID();
      const localUrl = file.type.startsWith("image/") ? URL.createObjectURL(file) : undefined;
      setItems(items.length, {
        key,
        name: file.name || "pasted-image.png",
        size: file.size,
        progress: 0,
        status: "uploading",
        ...(localUrl ? { localUrl } : {}),
      });
      const upload = uploadFile(
        channelId(),
        file,
        (p) => set(key, (i) => (i.progress = p)),
        (attempt) => set(key, (i) => (i.restarts = attempt)),
      );
      running.set(key, upload);
      upload.done
        .then(
          (stored) =>
            set(key, (i) => {
              i.status = "stored";
              i.progress = 1;
              i.file = stored;
            }),
          (e: unknown) => {
            if ((e as { code?: string }).code === "cancelled") return;
            set(key, (i) => {
              i.status = "failed";
              i.error = describeError(e);
            });
          },
        )
        .finally(() => running.delete(key));
    }
  }

  /** Cancels an upload, or takes back a stored file (the server forgets it). */
  function remove(key: string) {
    running.get(key)?.cancel();
    const item = items.find((i) => i.key === key);
    if (item?.file) void fetch(fileUrl(item.file.id), { method: "DELETE" }).catch(() => {});
    if (item?.localUrl) URL.revokeObjectURL(item.localUrl);
    setItems((list) => list.filter((i) => i.key !== key));
  }

  /** After sending: the files went with the message. */
  function clear() {
    for (const i of items) if (i.localUrl) URL.revokeObjectURL(i.localUrl);
    setItems([]);
  }

  const busy = () => items.some((i) => i.status === "uploading");
  const stored = () => items.filter((i) => i.status === "stored" && i.file).map((i) => i.file as Attachment);

  const dropHandlers = {
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes("Files")) return;
      e.preventDefault();
      setDragging(true);
    },
    onDragLeave: () => setDragging(false),
    onDrop: (e: DragEvent) => {
      setDragging(false);
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      add(e.dataTransfer.files);
    },
  };
  /** A pasted screenshot (or copied files) uploads; pasted text is left to the text box. */
  const onPaste = (e: ClipboardEvent) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    e.preventDefault();
    add(files);
  };

  return { items, add, remove, clear, busy, stored, dragging, dropHandlers, onPaste };
}
export type ComposerFiles = ReturnType<typeof createComposerFiles>;

export function AttachButton(props: { files: ComposerFiles }) {
  let input: HTMLInputElement | undefined;
  return (
    <>
      <button type="button" class="icon" aria-label="Attach files" title="Attach files" onClick={() => input?.click()}>
        📎
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          props.files.add(e.currentTarget.files ?? []);
          e.currentTarget.value = "";
        }}
      />
    </>
  );
}

export function UploadList(props: { files: ComposerFiles }) {
  return (
    <Show when={props.files.items.length > 0}>
      <ul class="uploads" aria-label="Files to send">
        <For each={props.files.items}>
          {(item) => (
            <li class="upload" classList={{ failed: item.status === "failed" }} data-testid="upload">
              <Show
                when={item.localUrl}
                fallback={
                  <span class="upload-icon" aria-hidden="true">
                    📄
                  </span>
                }
              >
                <img class="upload-thumb" src={item.localUrl} alt="" />
              </Show>
              <span class="upload-text">
                <span class="upload-name">{item.name}</span>
                <span class="muted small">
                  {item.status === "failed"
                    ? item.error
                    : `${formatSize(item.size)}${item.status === "uploading" ? ` · ${Math.round(item.progress * 100)}%` : ""}${
                        item.status === "uploading" && item.restarts
                          ? ` · connection lost, restarted (${item.restarts})`
                          : ""
                      }`}
                </span>
                <Show when={item.status === "uploading"}>
                  <progress
                    class="upload-progress"
                    max="1"
                    value={item.progress}
                    aria-label={`Uploading ${item.name}`}
                  />
                </Show>
              </span>
              <button
                type="button"
                class="icon"
                aria-label={item.status === "uploading" ? `Cancel ${item.name}` : `Remove ${item.name}`}
                onClick={() => props.files.remove(item.key)}
              >
                ✕
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
