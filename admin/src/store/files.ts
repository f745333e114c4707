// The files slice: the upload limits and storage used (in total and per person), and the workspace's files,
// found by name. Deleting one takes it off the list once the API has taken it.
import { createSignal } from "solid-js";
import { type AdminFile, type FileUsage, gateway } from "../lib/api";

export function createFilesStore() {
  const [usage, setUsage] = createSignal<FileUsage | null>(null);
  const [files, setFiles] = createSignal<AdminFile[]>([]);
  const [query, setQuery] = createSignal("");
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal("");
  // Answers can come back out of order while the admin types: only the newest search's answer is kept.
  let asked = 0;
  async function search(q: string) {
    const mine = ++asked;
    setQuery(q);
    setLoading(true);
    try {
      const page = await gateway.listFiles(q.trim());
      if (mine === asked) {
        setFiles(page.files);
        setError("");
      }
    } catch (e) {
      if (mine === asked) setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (mine === asked) setLoading(false);
    }
  }
  async function loadUsage() {
    try {
      setUsage(await gateway.fileUsage());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }
  return {
    usage,
    files,
    query,
    loading,
    error,
    load: () => Promise.all([loadUsage(), search(query())]),
    search,
    /** Throws the API's error, for the form to show. */
    async saveLimits(edit: { maxBytes?: number; quotaBytes?: number }) {
      await gateway.setFileLimits(edit);
      await loadUsage();
    },
    async remove(file: AdminFile, reason: string) {
      await gateway.deleteFile(file.id, reason);
      setFiles((list) => list.filter((f) => f.id !== file.id));
      await loadUsage();
    },
  };
}
export type FilesStore = ReturnType<typeof createFilesStore>;
