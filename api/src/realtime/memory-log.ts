// The in-process log for the embedded single-node default. Nothing lives in memory only after it is
// acknowledged: append() resolves once every consumer group (the inline persister) has handled the
// records, i.e. once they are in PostgreSQL. A crash before that means the sender never got its ack.
import type { BatchHandler, DeadLetterRecord, EventLog, LogBacklog, LogConsumer, LogRecord } from "./event-log.js";

interface Pending {
  record: LogRecord;
  done: () => void;
  failed: (error: unknown) => void;
}

export class MemoryEventLog implements EventLog {
  readonly kind = "memory";
  readonly deadLetters: DeadLetterRecord[] = [];
  private readonly groups = new Map<string, BatchHandler>();
  private queue: Pending[] = [];
  private draining = false;

  async append(records: LogRecord[]): Promise<void> {
    if (this.groups.size === 0) throw new Error("in-process log has no consumer: start the inline persister");
    const handled = records.map(
      (record) => new Promise<void>((done, failed) => this.queue.push({ record, done, failed })),
    );
    this.schedule();
    await Promise.all(handled);
  }

  private schedule() {
    if (!this.draining) queueMicrotask(() => void this.drain());
  }

  private async drain() {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 500);
        try {
          for (const handle of this.groups.values())
            await (await handle({ partition: 0, records: batch.map((p) => p.record) }))?.owed;
          for (const p of batch) p.done();
        } catch (error) {
          for (const p of batch) p.failed(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  async consume(group: string, handle: BatchHandler): Promise<LogConsumer> {
    this.groups.set(group, handle);
    return { stop: async () => void this.groups.delete(group) };
  }

  async deadLetter(letters: DeadLetterRecord[]) {
    this.deadLetters.push(...letters);
  }

  async ping() {
    return 0;
  }

  /** Appends wait for the inline persister, so what is queued is all the lag there is. */
  async backlog(): Promise<LogBacklog> {
    return { partitions: [{ partition: 0, lag: this.queue.length }], deadLetters: this.deadLetters.length };
  }

  async replayDeadLetters() {
    const letters = this.deadLetters.splice(0);
    if (letters.length > 0) await this.append(letters.map((l) => l.record));
    return letters.length;
  }

  async close() {
    this.groups.clear();
  }
}
