// Tells the server which channel this tab shows while someone is looking at it (notify.setFocus), so
// nobody is notified of what is in front of them. Looking: the tab is visible, the window focused, and
// there was input within IDLE_MS. The report is renewed every RENEW_MS (the server forgets it after 10
// minutes) and sent again on every new socket (a report belongs to one socket).

const IDLE_MS = 5 * 60_000;
const RENEW_MS = 4 * 60_000;
const CHECK_MS = 15_000;
const INPUT_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"] as const;

export class FocusReporter {
  private sent: string | null | undefined;
  private sentAt = 0;
  private lastInput = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly update = () => this.report();
  private readonly input = () => {
    const wasIdle = this.idle();
    this.lastInput = Date.now();
    if (wasIdle) this.report();
  };

  constructor(
    private readonly viewed: () => string | null,
    private readonly send: (channelId: string | null) => Promise<unknown>,
  ) {}

  start() {
    for (const event of ["focus", "blur"]) window.addEventListener(event, this.update);
    document.addEventListener("visibilitychange", this.update);
    for (const event of INPUT_EVENTS) window.addEventListener(event, this.input, { passive: true });
    this.timer = setInterval(() => this.report(), CHECK_MS);
  }

  stop() {
    for (const event of ["focus", "blur"]) window.removeEventListener(event, this.update);
    document.removeEventListener("visibilitychange", this.update);
    for (const event of INPUT_EVENTS) window.removeEventListener(event, this.input);
    clearInterval(this.timer);
    this.sent = undefined;
  }

  /** A new socket knows nothing of this tab yet. */
  resumed() {
    this.sent = undefined;
    this.report();
  }

  /** The channel this tab is looking at now, or null. */
  looking(): string | null {
    if (document.visibilityState !== "visible" || !document.hasFocus() || this.idle()) return null;
    return this.viewed();
  }

  report() {
    const now = this.looking();
    const due = now !== null && Date.now() - this.sentAt > RENEW_MS;
    if (now === this.sent && !due) return;
    this.sent = now;
    this.sentAt = Date.now();
    this.send(now).catch(() => {
      this.sent = undefined; // not connected: the next resume sends it
    });
  }

  private idle() {
    return Date.now() - this.lastInput > IDLE_MS;
  }
}
