// Each node's copy of the workspace settings. Read from PostgreSQL on first use, then kept until the bus
// says they changed (settings.ts publishes after every change) or the bus reconnects (a notice may have
// been missed meanwhile). A read that overlaps a change is not kept, so a stale row never outlives it.
import type { Sql } from "../lib/sql.js";
import type { Bus } from "../realtime/bus.js";
import { readSettings, SETTINGS_TOPIC, type WorkspaceSettings } from "./settings.js";

export class SettingsCache {
  private value: WorkspaceSettings | undefined;
  private generation = 0;
  /** False until the subscription is live, and for good if it failed: then nothing is kept. */
  private live = false;
  private readonly ready: Promise<void>;

  constructor(
    private readonly sql: Sql,
    bus: Bus,
  ) {
    const drop = () => {
      this.generation += 1;
      this.value = undefined;
    };
    // Until the subscription is live, nothing is cached (get() waits for it), so no notice can be missed.
    this.ready = bus.subscribe(SETTINGS_TOPIC, drop).then(
      () => {
        this.live = true;
      },
      () => {},
    );
    bus.onResubscribed(drop);
  }

  async get(): Promise<WorkspaceSettings> {
    if (this.value) return this.value;
    await this.ready;
    const generation = this.generation;
    const value = await readSettings(this.sql);
    if (this.live && generation === this.generation) this.value = value;
    return value;
  }
}

const caches = new WeakMap<object, SettingsCache>();

/** The node's one cache for these services (made on first use). */
export function workspaceSettings(services: { sql: Sql; bus: Bus }): SettingsCache {
  let cache = caches.get(services);
  if (!cache) {
    cache = new SettingsCache(services.sql, services.bus);
    caches.set(services, cache);
  }
  return cache;
}
