// Group commit: appends that arrive while a write is in flight wait and go out together in the next one.
// With an idempotent producer only one request is in flight at a time, so without this every send would
// pay a full broker round trip in turn; with it, throughput grows with load while order is kept (FIFO).

interface Waiting<T> {
  items: T[];
  done: () => void;
  failed: (error: unknown) => void;
}

export class GroupCommit<T> {
  private queue: Waiting<T>[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxItems = 1000,
  ) {}

  /** Resolves once `items` were written (in one write with whatever else was waiting), rejects if that write failed. */
  add(items: T[]): Promise<void> {
    const written = new Promise<void>((done, failed) => this.queue.push({ items, done, failed }));
    if (!this.writing) void this.drain();
    return written;
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
        for (const w of group) w.done();
      } catch (error) {
        for (const w of group) w.failed(error);
      }
    }
    this.writing = false;
  }
}
