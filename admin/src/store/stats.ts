// The stats slice: user counts and sign-ins per day.
import { createSignal } from "solid-js";
import { gateway, type Stats } from "../lib/api";

export function createStatsStore() {
  const [stats, setStats] = createSignal<Stats | null>(null);
  const [error, setError] = createSignal("");
  return {
    stats,
    error,
    async load() {
      setError("");
      try {
        setStats(await gateway.stats());
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
  };
}
export type StatsStore = ReturnType<typeof createStatsStore>;
