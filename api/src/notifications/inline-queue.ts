// Work taken now and done soon, one item at a time, in order: the notifier on the in-process log, where
// handling a batch inline would hold up the sender's acknowledgement. A failing item is tried again with
// backoff a few times, then logged and dropped (the embedded single node keeps no dead-letter log).
import type { Logger } from "pino";

const ATTEMPTS = 5;

export class InlineQueue<T> {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly work: (item: T) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  add(item: T): void {
    this.tail = this.tail.then(() => this.run(item));
  }

  /** Resolves once everything added so far is done. */
  idle(): Promise<void> {
    return this.tail;
  }

  private async run(item: T) {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        return await this.work(item);
      } catch (error) {
        if (attempt === ATTEMPTS) this.logger.error({ err: error }, "notifications of a batch were dropped");
        else await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }
}
