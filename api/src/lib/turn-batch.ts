// Calls made in the same event-loop turn run as one batch: the sockets whose frames were read in one poll
// phase each ask, and one query answers them all in the check phase right after (setImmediate). A batch
// costs one statement and one round trip where each call cost its own; a lone call waits no timer.
// Batches are independent reads: a new one may start while an earlier one is still running.

interface Pending<In, Out> {
  input: In;
  resolve: (output: Out) => void;
  reject: (error: unknown) => void;
}

export class TurnBatch<In, Out> {
  private pending: Pending<In, Out>[] = [];

  /** `run` answers the inputs in their order, one output each; if it throws, every call of the batch rejects. */
  constructor(
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly maxSize = 500,
  ) {}

  call(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush() {
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += this.maxSize) void this.runBatch(all.slice(i, i + this.maxSize));
  }

  private async runBatch(batch: Pending<In, Out>[]) {
    try {
      const outputs = await this.run(batch.map((p) => p.input));
      if (outputs.length !== batch.length) throw new Error(`batch of ${batch.length} got ${outputs.length} answers`);
      for (const [i, p] of batch.entries()) p.resolve(outputs[i] as Out);
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
