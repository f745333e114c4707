// Work that can wait until what a click changed is on screen: it runs when the page is next idle, and
// within TIMEOUT_MS however busy it is. Where the browser has no requestIdleCallback (Safari), a short timer.
const TIMEOUT_MS = 300;
const FALLBACK_MS = 50;

export function whenIdle(work: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(() => work(), { timeout: TIMEOUT_MS });
  else setTimeout(work, FALLBACK_MS);
}
