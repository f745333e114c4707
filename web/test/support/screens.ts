// Screenshots at 1280 and 390 px, in the light and the dark theme: `<name>-<theme>-<width>.png`.
import { SCREEN_WIDTHS, screenshotWidths } from "api/test-support";
import type { Page } from "playwright-core";

export async function shootThemes(page: Page, dir: string, name: string) {
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await screenshotWidths(page, dir, `${name}-${theme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/**
 * What the shell's bars (connection banner, lost-channel notice, notification prompt) cover of the page
 * at each screenshot width: the header, the message list, the composer. [] when nothing is covered.
 */
export async function coveredByBars(page: Page): Promise<string[]> {
  const before = page.viewportSize();
  const covered: string[] = [];
  for (const size of SCREEN_WIDTHS) {
    await page.setViewportSize(size);
    await page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
    const found = (await page.evaluate(`(() => {
      const bars = [...document.querySelectorAll(".connection-banner, .notice, .notify-prompt")];
      const parts = [...document.querySelectorAll(".channel-header, [data-testid=message-scroller], .composer")];
      const out = [];
      for (const bar of bars) {
        const a = bar.getBoundingClientRect();
        for (const part of parts) {
          const b = part.getBoundingClientRect();
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 0 && h > 0) out.push(bar.className + " covers " + part.className + " (" + Math.round(w) + "×" + Math.round(h) + " px)");
        }
      }
      return out;
    })()`)) as string[];
    covered.push(...found.map((f) => `${size.width} px: ${f}`));
  }
  if (before) await page.setViewportSize(before);
  return covered;
}
