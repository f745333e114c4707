// Chromium's own account of the page's main thread (a trace, devtools.timeline): every task it ran, with its
// wall time and the CPU time the thread actually got. On a shared, busy machine wall time grows with the
// queue for a core; thread time is what the page's own work cost.
import type { Browser, Page } from "playwright-core";

export interface MainThreadTasks {
  /** Wall milliseconds of each task. */
  wall: number[];
  /** Thread (CPU) milliseconds of each task. */
  cpu: number[];
  /** Thread milliseconds by trace event name, each event's own (its nested events' taken out): where it went. */
  selfCpu: Map<string, number>;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
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
  const main = tasks[0] ? `${tasks[0].pid}:${tasks[0].tid}` : "";
  const nested = events.filter((e) => e.ph === "X" && e.tdur !== undefined && `${e.pid}:${e.tid}` === main);
  return {
    wall: tasks.map((e) => (e.dur ?? 0) / 1000),
    cpu: tasks.map((e) => (e.tdur ?? 0) / 1000),
    selfCpu: selfTimes(nested),
  };
}

/** Each event's thread time less that of the events directly inside it, summed by name. */
function selfTimes(events: TraceEvent[]): Map<string, number> {
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const open: TraceEvent[] = [];
  const add = (e: TraceEvent, ms: number) => self.set(e.name, (self.get(e.name) ?? 0) + ms);
  for (const e of sorted) {
    while (open.length > 0) {
      const top = open[open.length - 1] as TraceEvent;
      if (e.ts < top.ts + (top.dur ?? 0)) break;
      open.pop();
    }
    const parent = open[open.length - 1];
    if (parent) add(parent, -(e.tdur ?? 0) / 1000);
    add(e, (e.tdur ?? 0) / 1000);
    open.push(e);
  }
  return self;
}
