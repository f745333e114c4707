// Files: how large one upload may be and the workspace's quota (both editable, audited), the storage used
// in total and per person, and the workspace's files found by name, each deletable. Deleting asks first,
// naming the file; it stops being served at once and open chats lose it live (attachmentRemoved).
import { createRoute } from "@tanstack/solid-router";
import { createSignal, For, Show } from "solid-js";
import { ErrorText } from "web/shared";
import { createAction } from "../components/action";
import { createConfirm } from "../components/confirm";
import { debounced } from "../components/debounce";
import { EmptyRow } from "../components/list-bits";
import { Time } from "../components/time";
import type { AdminFile } from "../lib/api";
import { useStores } from "../store";
import { authedRoute } from "./authed";

const MB = 1024 * 1024;
const GB = 1024 * MB;

function size(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < GB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${(bytes / GB).toFixed(2)} GB`;
}

function FilesPage() {
  const { files } = useStores();
  const find = debounced((q: string) => files.search(q));
  const confirm = createConfirm();
  const askDelete = (file: AdminFile) =>
    confirm.ask({
      title: `Delete “${file.name}”?`,
      body: () => (
        <p>
          <strong>{file.name}</strong> ({size(file.size)}), shared by <strong>{file.uploaderName}</strong>
          {file.channelName ? ` in #${file.channelName}` : ""}, stops being served at once and disappears from its
          message for everyone. This cannot be undone; the audit log records who deleted it and why.
        </p>
      ),
      confirmLabel: "Delete file",
      reason: "optional",
      run: (reason) => files.remove(file, reason),
      done: () => `Deleted ${file.name}.`,
    });

  return (
    <>
      <header class="page-head">
        <h2>Files</h2>
      </header>
      <ErrorText error={files.error()} />
      <Show when={files.usage()}>
        {(u) => (
          <>
            <LimitsForm maxBytes={u().maxBytes} quotaBytes={u().quotaBytes} />
            <section class="card" aria-label="Storage used">
              <h3>Storage used</h3>
              <p data-testid="files-used">
                {size(u().usedBytes)} of {size(u().quotaBytes)} ({Math.round((u().usedBytes / u().quotaBytes) * 100)}%)
              </p>
              <progress class="quota" max={u().quotaBytes} value={u().usedBytes} aria-label="Quota used" />
              <table data-testid="usage">
                <thead>
                  <tr>
                    <th>Person</th>
                    <th class="num">Files</th>
                    <th class="num">Size</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={u().users} fallback={<EmptyRow cols={3} text="No files stored." />}>
                    {(row) => (
                      <tr data-testid="usage-row">
                        <td>
                          {row.displayName} <span class="muted">{row.email}</span>
                        </td>
                        <td class="num">{row.files}</td>
                        <td class="num">{size(row.bytes)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </section>
          </>
        )}
      </Show>
      <section aria-label="The workspace's files">
        <h3>All files</h3>
        <div class="filters">
          <input
            type="search"
            aria-label="Find files by name"
            placeholder="Find files by name"
            value={files.query()}
            onInput={(e) => find(e.currentTarget.value)}
          />
        </div>
        <confirm.View />
        <div class="table-scroll">
          <table data-testid="files">
            <thead>
              <tr>
                <th>Name</th>
                <th class="num">Size</th>
                <th>Type</th>
                <th>Uploader</th>
                <th>Channel</th>
                <th>When</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For
                each={files.files()}
                fallback={<EmptyRow cols={7} text={files.loading() ? "Loading…" : "No files."} />}
              >
                {(f) => (
                  <tr data-testid="file-row">
                    <td class="file-cell">{f.name}</td>
                    <td class="num nowrap">{size(f.size)}</td>
                    <td>{f.mime}</td>
                    <td>{f.uploaderName}</td>
                    <td>
                      {f.channelName ? `#${f.channelName}` : <span class="muted">conversation</span>}
                      <Show when={!f.sent}>
                        <span class="muted"> (not sent)</span>
                      </Show>
                    </td>
                    <td class="nowrap">
                      <Time iso={f.createdAt} />
                    </td>
                    <td>
                      <button type="button" class="danger" onClick={() => askDelete(f)}>
                        Delete…
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

/** The two limits, edited in MB and GB; saving is audited (workspace.file_settings_changed). */
function LimitsForm(props: { maxBytes: number; quotaBytes: number }) {
  const { files } = useStores();
  const [maxMb, setMaxMb] = createSignal(String(Math.round((props.maxBytes / MB) * 100) / 100));
  const [quotaGb, setQuotaGb] = createSignal(String(Math.round((props.quotaBytes / GB) * 1000) / 1000));
  const [saved, setSaved] = createSignal(false);
  const saving = createAction();
  async function save(e: SubmitEvent) {
    e.preventDefault();
    setSaved(false);
    const ok = await saving.run(async () => {
      await files.saveLimits({
        maxBytes: Math.round(Number(maxMb()) * MB),
        quotaBytes: Math.round(Number(quotaGb()) * GB),
      });
      return true;
    });
    if (ok) setSaved(true);
  }
  return (
    <form class="card inline-form limits" onSubmit={save} aria-label="Upload limits">
      <h3>Upload limits</h3>
      <label class="limit-field">
        Largest file (MB)
        <input
          type="number"
          name="maxMb"
          min="0.001"
          step="any"
          required
          value={maxMb()}
          onInput={(e) => setMaxMb(e.currentTarget.value)}
        />
      </label>
      <label class="limit-field">
        Workspace quota (GB)
        <input
          type="number"
          name="quotaGb"
          min="0.001"
          step="any"
          required
          value={quotaGb()}
          onInput={(e) => setQuotaGb(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={saving.pending()}>
        Save limits
      </button>
      <Show when={saved()}>
        <span class="notice" role="status">
          Saved.
        </span>
      </Show>
      <ErrorText error={saving.error()} />
    </form>
  );
}

export const filesRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: "/files",
  loader: ({ context }) => context.stores.files.load(),
  component: FilesPage,
});
