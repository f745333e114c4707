// The settings slice: the workspace's settings, its retention (and how many messages the next run would
// delete), and, to show beside them, the push switches and file limits that keep their own pages.
import { createSignal } from "solid-js";
import {
  type FileUsage,
  gateway,
  type Purged,
  type PushSettings,
  type Retention,
  type SettingsEdit,
  type WorkspaceSettings,
} from "../lib/api";

export function createSettingsStore() {
  const [settings, setSettings] = createSignal<WorkspaceSettings | null>(null);
  const [retention, setRetention] = createSignal<Retention | null>(null);
  const [push, setPush] = createSignal<PushSettings | null>(null);
  const [files, setFiles] = createSignal<FileUsage | null>(null);
  return {
    settings,
    retention,
    push,
    files,
    async load() {
      const [s, r, p, f] = await Promise.all([
        gateway.settings(),
        gateway.retention(),
        gateway.pushSettings(),
        gateway.fileUsage(),
      ]);
      setSettings(s);
      setRetention(r);
      setPush(p);
      setFiles(f);
    },
    async save(edit: SettingsEdit) {
      const saved = await gateway.saveSettings(edit);
      setSettings((old) => ({ ...saved, defaultChannels: old?.defaultChannels ?? [] }));
      if ("retentionDays" in edit) setRetention(await gateway.retention());
    },
    /** Runs the purge now; answers what went, or null when a run was under way already. */
    async purge(): Promise<Purged | null> {
      const result = await gateway.runRetention();
      setRetention(await gateway.retention());
      return "status" in result ? null : result;
    },
  };
}
export type SettingsStore = ReturnType<typeof createSettingsStore>;
