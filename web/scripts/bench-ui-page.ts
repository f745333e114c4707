// What web/scripts/bench-ui.ts measures inside the page: the functions passed to page.evaluate run in
// Chromium, on the page's own clock (performance.now, animation frames, the long-task observer).
import type { Page } from "playwright-core";

/**
 * Clicks the channel in the sidebar and returns the milliseconds until its newest message is in the page
 * and the frame showing it has been produced (an animation frame, then a task after its rendering).
 */
export function measureSwitch(page: Page, name: string, lastSeq: number): Promise<number> {
  return page.evaluate(
    ({ name, lastSeq }) =>
      new Promise<number>((resolve, reject) => {
        const link = document.querySelector<HTMLElement>(`[data-testid="channel-${name}"] a`);
        if (!link) return reject(new Error(`no #${name} in the sidebar`));
        const shown = () =>
          document.querySelector('[data-testid="channel-name"]')?.textContent?.includes(name) &&
          document.querySelector(`[data-testid="message-scroller"] [data-testid="message"][data-seq="${lastSeq}"]`);
        const timer = setTimeout(() => reject(new Error(`#${name} not shown after 30 s`)), 30_000);
        const observer = new MutationObserver(() => {
          if (!shown()) return;
          observer.disconnect();
          requestAnimationFrame(() =>
            setTimeout(() => {
              clearTimeout(timer);
              resolve(performance.now() - started);
            }, 0),
          );
        });
        observer.observe(document.body, { childList: true, subtree: true, characterData: true });
        const started = performance.now();
        link.click();
      }),
    { name, lastSeq },
  );
}

export type ScrollKind = "steady" | "fling" | "jumps";
export const SCROLL_NAMES: Record<ScrollKind, string> = {
  steady: "steady, 400 px a frame, top to bottom",
  fling: "fling, 4,000 px a frame, bottom to top",
  jumps: "jumps to 40 random places",
};

export interface ScrollResult {
  frames: number;
  frameP95: number;
  /** Durations of the long tasks the page's PerformanceObserver saw. */
  longTasks: number[];
}

/** One way of scrolling the message list, with the long tasks the page itself observed meanwhile. */
export function scrollOnce(page: Page, kind: ScrollKind): Promise<ScrollResult> {
  return page.evaluate(async (kind) => {
    const box = document.querySelector<HTMLElement>('[data-testid="message-scroller"]');
    if (!box) throw new Error("no message list");
    const tasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push(e.duration);
    });
    observer.observe({ type: "longtask" });
    const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
    const bottom = () => box.scrollHeight - box.clientHeight;
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const steps = {
      steady: () => {
        if (box.scrollTop >= bottom() - 1) return false;
        box.scrollTop += 400;
        return true;
      },
      fling: () => {
        if (box.scrollTop <= 0) return false;
        box.scrollTop -= 4000;
        return true;
      },
      jumps: (i: number) => {
        if (i >= 40) return false;
        box.scrollTop = Math.floor(random() * bottom());
        return true;
      },
    };
    const step = steps[kind];
    const gaps: number[] = [];
    let last = await frame();
    for (let i = 0; step(i); i++) {
      const now = await frame();
      gaps.push(now - last);
      last = now;
    }
    // Let the observer deliver what the last frames produced.
    await new Promise((r) => setTimeout(r, 500));
    for (const e of observer.takeRecords()) tasks.push(e.duration);
    observer.disconnect();
    gaps.sort((a, b) => a - b);
    return { frames: gaps.length, frameP95: gaps[Math.floor(gaps.length * 0.95)] ?? 0, longTasks: tasks };
  }, kind);
}
