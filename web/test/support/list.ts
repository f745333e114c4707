// Reading a virtualized message list as a person would: by scrolling it. Only rows near the view are in
// the page, so "all the messages" means scrolling from the top to the bottom and noting each one.
import type { Page } from "playwright-core";

/** The bodies now rendered, in order. */
export const visibleBodies = (page: Page) => page.getByTestId("message-body").allTextContents();

/**
 * Scrolls the list to its very top (older pages load as a reader reaches the top), then down to the
 * bottom, and returns every message body seen, in seq order.
 */
export async function scrollAllBodies(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const box = document.querySelector<HTMLElement>('[data-testid="message-scroller"]');
    if (!box) throw new Error("no message list");
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const seen = new Map<number, string>();
    const collect = () => {
      for (const el of box.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
        const body =
          el.querySelector('[data-testid="message-body"]')?.textContent ??
          el.querySelector(".deleted")?.textContent ??
          "";
        seen.set(Number(el.dataset.seq), body);
      }
    };
    // Up until the top holds still (no older page left to load).
    for (let still = 0; still < 8; ) {
      const before = box.scrollHeight;
      box.scrollTop = 0;
      await frames();
      await new Promise((r) => setTimeout(r, 150));
      collect();
      still = box.scrollHeight === before && box.scrollTop === 0 ? still + 1 : 0;
    }
    for (;;) {
      collect();
      if (box.scrollTop + box.clientHeight >= box.scrollHeight - 2) break;
      box.scrollTop += Math.max(50, box.clientHeight / 2);
      await frames();
    }
    collect();
    return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, body]) => body);
  });
}
