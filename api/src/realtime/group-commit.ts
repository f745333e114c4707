// Group commit: appends that arrive while a write is in flight wait and go out together in the next one.
// With an idempotent producer only one request is in flight at a time, so without this every send would
// pay a full broker round trip in turn; with it, throughput grows with load while order is kept (FIFO).
// An append waits at most `waitMs`: one still queued then is taken out and never written; one whose write is
// in flight is told it timed out, though that write may still succeed (its sender retries idempotently).

interface Waiting<T> {
  items: T[];
  done: () => void;
  failed: (error: unknown) => void;
  timer?: NodeJS.Timeout;
}

export class GroupCommitTimeout extends Error {
  constructor(
    /** false: taken out of the queue, never written; "unknown": its write was in flight. */
    readonly written: false | "unknown",
    waitMs: number,
  ) {
    super(`not written within ${waitMs} ms${written === "unknown" ? " (the write may still succeed)" : ""}`);
  }
}

export class GroupCommit<T> {
  private queue: Waiting<T>[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxItems = 1000,
    private readonly waitMs?: number,
  ) {}

  /** Resolves once `items` were written (in one write with whatever else was waiting), rejects if that write failed. */
  add(items: T[]): Promise<void> {
    const written = new Promise<void>((done, failed) => {
      const waiting: Waiting<T> = { items, done, failed };
      if (this.waitMs !== undefined) waiting.timer = setTimeout(() => this.expire(waiting), this.waitMs);
      this.queue.push(waiting);
    });
    if (!this.writing) void this.drain();
    return written;
  }

  private expire(waiting: Waiting<T>) {
    const queued = this.queue.indexOf(waiting);
    if (queued >= 0) this.queue.splice(queued, 1);
    waiting.failed(new GroupCommitTimeout(queued >= 0 ? false : "unknown", this.waitMs ?? 0));
  }

  private async drain() {
    this.writing = true;
    while (this.queue.length > 0) {
      const group: Waiting<T>[] = [];
      let count = 0;
      while (
        this.queue.length > 0 &&
        (group.length === 0 || count + (this.queue[0]?.items.length ?? 0) <= this.maxItems)
      ) {
        const next = this.queue.shift() as Waiting<T>;
        group.push(next);
        count += next.items.length;
      }
      try {
        await this.write(group.flatMap((w) => w.items));
        for (const w of group) settle(w).done();
      } catch (error) {
        for (const w of group) settle(w).failed(error);
      }
    }
    this.writing = false;
  }
}

/** Stops the wait's timer; settling a promise twice is a no-op, so a timed-out append stays timed out. */
function settle<T>(waiting: Waiting<T>) {
  clearTimeout(waiting.timer);
  return waiting;
}
