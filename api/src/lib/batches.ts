// Coalesces calls that arrive together (a node's 20,000 sockets reconnecting or closing at once; the
// notifier's batches of several Kafka partitions) into one batch: one batch runs at a time, and the next
// gathers everything that arrives while it runs and for `lingerMs` more (0: until the next turn).

export class Batches<T> {
  private gathering?: { items: T[]; done: Promise<void> };
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly run: (items: T[]) => Promise<void>,
    private readonly lingerMs = 0,
  ) {}

  /** Resolves (or rejects) once the batch holding these items has run. */
  add(...items: T[]): Promise<void> {
    if (!this.gathering) this.gathering = this.startBatch();
    for (const item of items) this.gathering.items.push(item);
    return this.gathering.done;
  }

  private startBatch() {
    const batch = { items: [] as T[], done: Promise.resolve() };
    batch.done = this.running
      .then(
        () =>
          new Promise((resolve) => (this.lingerMs > 0 ? setTimeout(resolve, this.lingerMs) : setImmediate(resolve))),
      )
      .then(() => {
        this.gathering = undefined;
        return this.run(batch.items);
      });
    this.running = batch.done.catch(() => {});
    return batch;
  }
}
