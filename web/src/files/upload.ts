// One upload to POST /api/files, with progress, cancel, and restarts after a dropped connection.
// XMLHttpRequest, not fetch: only it reports upload progress. The body is the File itself, so the browser
// streams it from disk.
import type { Attachment, ChannelFile } from "api/client";
import { ApiError, api, read } from "../shared/http";

export interface Upload {
  done: Promise<Attachment>;
  cancel(): void;
}

/**
 * Restarts after a network error (the connection dropped mid-upload): the server keeps nothing of a cut
 * upload, so each try sends the whole file again, after a pause that doubles. Refusals (too large, over
 * quota, no access) are final.
 */
export const UPLOAD_RESTART_DELAYS_MS = [1000, 2000, 4000, 8000];

export function uploadFile(
  channelId: string,
  file: File,
  onProgress: (fraction: number) => void,
  onRestart: (attempt: number) => void = () => {},
): Upload {
  let current: XMLHttpRequest | null = null;
  let cancelled = false;
  let wake: (() => void) | null = null;
  const done = (async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<Attachment>((resolve, reject) => {
          current = send(channelId, file, onProgress, resolve, reject);
        });
      } catch (e) {
        const delay = UPLOAD_RESTART_DELAYS_MS[attempt];
        if (cancelled || !(e instanceof ApiError) || e.code !== "network" || delay === undefined) throw e;
        onRestart(attempt + 1);
        onProgress(0);
        await new Promise<void>((r) => {
          const timer = setTimeout(r, delay);
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
        if (cancelled) throw new ApiError(0, "cancelled", "Cancelled.");
      }
    }
  })();
  return {
    done,
    cancel: () => {
      cancelled = true;
      (current as XMLHttpRequest | null)?.abort();
      (wake as (() => void) | null)?.();
    },
  };
}

function send(
  channelId: string,
  file: File,
  onProgress: (fraction: number) => void,
  resolve: (a: Attachment) => void,
  reject: (e: ApiError) => void,
): XMLHttpRequest {
  const xhr = new XMLHttpRequest();
  const query = new URLSearchParams({ channelId, name: file.name || "pasted-image.png" });
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) onProgress(e.loaded / e.total);
  };
  xhr.onload = () => {
    const body = (() => {
      try {
        return JSON.parse(xhr.responseText) as { file?: Attachment; error?: { code: string; message: string } };
      } catch {
        return null;
      }
    })();
    if (xhr.status === 201 && body?.file) return resolve(body.file);
    reject(
      new ApiError(xhr.status, body?.error?.code ?? `http_${xhr.status}`, body?.error?.message ?? `HTTP ${xhr.status}`),
    );
  };
  xhr.onerror = () => reject(new ApiError(0, "network", "The upload was interrupted; try again."));
  xhr.onabort = () => reject(new ApiError(0, "cancelled", "Cancelled."));
  xhr.open("POST", `/api/files?${query}`);
  xhr.setRequestHeader("Content-Type", "application/octet-stream");
  xhr.send(file);
  return xhr;
}

export const fileUrl = (id: string, rendition?: "thumb" | "preview") =>
  `/api/files/${id}${rendition ? `/${rendition}` : ""}`;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** One page of a channel's files, newest first; `q` finds them by name; `before` pages to older ones. */
export async function listChannelFiles(channelId: string, q: string, before?: string) {
  const query: { channelId: string; q?: string; before?: string; limit: string } = { channelId, limit: "50" };
  if (q) query.q = q;
  if (before) query.before = before;
  return read<{ files: ChannelFile[]; hasMore: boolean }>(await api.api.files.$get({ query }));
}
