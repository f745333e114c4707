// A channel's Files tab (channel details): its files newest first, each with a thumbnail (images) or an
// icon, name, size, type, who shared it and when, and a download link; a search box finds them by name.
// The list comes from GET /api/files, which asks on every request whether the reader may see the channel.
import type { ChannelFile } from "api/client";
import { createSignal, For, onCleanup, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { describeError } from "../shared/http";
import { Lightbox, typeLabel } from "./attachments";
import { fileUrl, formatSize, listChannelFiles } from "./upload";

/** A search waits for typing to pause this long before it asks the server. */
const SEARCH_PAUSE_MS = 250;

export function ChannelFiles(props: { channelId: string }) {
  const [state, setState] = createStore({
    files: [] as ChannelFile[],
    hasMore: false,
    loading: true,
    error: "",
  });
  const [query, setQuery] = createSignal("");
  const [open, setOpen] = createSignal<ChannelFile | null>(null);
  // Answers can arrive out of order while someone types: only the newest request's answer is shown.
  let request = 0;

  async function load(more: boolean) {
    const mine = ++request;
    setState({ loading: true, error: "" });
    try {
      const last = state.files[state.files.length - 1];
      const page = await listChannelFiles(props.channelId, query().trim(), more ? last?.createdAt : undefined);
      if (mine !== request) return;
      setState({ files: more ? [...state.files, ...page.files] : page.files, hasMore: page.hasMore, loading: false });
    } catch (error) {
      if (mine === request) setState({ loading: false, error: describeError(error) });
    }
  }
  void load(false);

  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  function search(text: string) {
    setQuery(text);
    clearTimeout(timer);
    timer = setTimeout(() => void load(false), SEARCH_PAUSE_MS);
  }

  return (
    <div class="channel-files" data-testid="channel-files">
      <input
        type="search"
        class="files-search"
        placeholder="Search files by name"
        aria-label="Search files by name"
        value={query()}
        onInput={(e) => search(e.currentTarget.value)}
        maxLength={100}
      />
      <Show when={state.error}>
        <p class="error" role="alert">
          {state.error}
        </p>
      </Show>
      <Show when={!state.loading && !state.error && state.files.length === 0}>
        <p class="muted" data-testid="files-empty">
          {query().trim() ? `No files named like “${query().trim()}”.` : "No files shared in this channel yet."}
        </p>
      </Show>
      <ul class="files-list" aria-busy={state.loading}>
        <For each={state.files}>{(f) => <FileRow file={f} onOpen={() => setOpen(f)} />}</For>
      </ul>
      <Show when={state.loading}>
        <p class="muted small">Loading…</p>
      </Show>
      <Show when={state.hasMore && !state.loading}>
        <button type="button" class="secondary" onClick={() => void load(true)}>
          Show older files
        </button>
      </Show>
      <Show when={open()}>{(f) => <Lightbox file={f()} onClose={() => setOpen(null)} />}</Show>
    </div>
  );
}

function FileRow(props: { file: ChannelFile; onOpen: () => void }) {
  const f = () => props.file;
  const date = () =>
    new Date(f().createdAt).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
  return (
    <li class="files-row" data-testid="channel-file">
      <Show
        when={f().kind === "image"}
        fallback={
          <span class="files-icon" aria-hidden="true">
            📄
          </span>
        }
      >
        <button type="button" class="files-thumb" onClick={props.onOpen} aria-label={`Open ${f().name}`}>
          <img src={fileUrl(f().id, "thumb")} alt="" loading="lazy" />
        </button>
      </Show>
      <span class="file-text">
        <span class="file-name" title={f().name}>
          {f().name}
        </span>
        <span class="muted small files-meta">
          {formatSize(f().size)} · {typeLabel(f())} · {f().uploaderName} ·{" "}
          <time datetime={f().createdAt}>{date()}</time>
        </span>
      </span>
      <a
        class="files-download"
        href={fileUrl(f().id)}
        download={f().name}
        aria-label={`Download ${f().name}`}
        title="Download"
      >
        ⬇
      </a>
    </li>
  );
}
