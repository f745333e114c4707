// Chromium's own account of the page's main thread (a trace, devtools.timeline): every task it ran, with its
// wall time and the CPU time the thread actually got. On a shared, busy machine wall time grows with the
// queue for a core; thread time is what the page's own work cost.
import type { Browser, Page } from "playwright-core";

export interface MainThreadTasks {
  /** Wall milliseconds of each task. */
  wall: number[];
  /** Thread (CPU) milliseconds of each task. */
  cpu: number[];
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

export async function traceMainThread(
  browser: Browser,
  page: Page,
  run: () => Promise<void>,
): Promise<MainThreadTasks> {
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
  const buffer = await run().then(
    () => browser.stopTracing(),
    async (error) => {
      await browser.stopTracing();
      throw error;
    },
  );
  const events = (JSON.parse(buffer.toString("utf8")) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")
      .map((e) => `${e.pid}:${e.tid}`),
  );
  // The page's renderer is the main thread that ran the most.
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.name !== "RunTask" || e.ph !== "X" || !mains.has(key)) continue;
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  const total = (list: TraceEvent[]) => list.reduce((n, e) => n + (e.dur ?? 0), 0);
  const tasks = [...byThread.values()].sort((a, b) => total(b) - total(a))[0] ?? [];
  return { wall: tasks.map((e) => (e.dur ?? 0) / 1000), cpu: tasks.map((e) => (e.tdur ?? 0) / 1000) };
}
