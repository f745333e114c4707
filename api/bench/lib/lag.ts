// Persister lag, read from the database (the persister's prom-client gauge is on no route): every 250 ms,
// how long ago the oldest accepted-but-not-yet-stored message was accepted. Stored = the channels' summed
// lastSeq; acceptance times come from the load processes (25 ms slots), in acceptance order. 0 when all
// accepted messages are stored. Up to one stats interval (250 ms) of the newest acceptances may not be
// known yet, so a lag below that is not resolved.
import type pg from "pg";
import type { LoadPool } from "../load/pool.js";
import { Histogram } from "./histogram.js";
import { committedEvents } from "./seed.js";

export class LagSampler {
  readonly samples = new Histogram();
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly db: pg.Pool,
    private readonly channelIds: string[],
    private readonly pool: LoadPool,
    /** Events already in the channels before the scenario sent anything (not accepted through the pool). */
    private readonly baseline = 0,
  ) {}

  start() {
    this.timer = setInterval(() => void this.sample(), 250);
    return this;
  }

  private async sample() {
    if (this.busy) return;
    this.busy = true;
    try {
      const stored = (await committedEvents(this.db, this.channelIds)) - this.baseline;
      const oldestUnstored = this.pool.acceptedAt(stored + 1);
      this.samples.record(oldestUnstored === undefined ? 0 : Math.max(0, Date.now() - oldestUnstored));
    } finally {
      this.busy = false;
    }
  }

  /** Starts a new measurement (e.g. after warm-up). */
  reset() {
    this.samples.take();
  }

  stop() {
    clearInterval(this.timer);
    return this.samples.summary();
  }
}
