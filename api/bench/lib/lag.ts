// Persister lag read from the database (the persister exposes its prom-client gauge on no route): every
// 500 ms, for the channel furthest behind, how long ago its newest stored message was accepted by the API
// ("createdAt" is the API's acceptance time). Includes up to one inter-send gap of that channel.
import type pg from "pg";
import { Histogram } from "./histogram.js";

export class LagSampler {
  readonly samples = new Histogram();
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly db: pg.Pool,
    private readonly channelIds: string[],
  ) {}

  start() {
    this.timer = setInterval(() => void this.sample(), 500);
    return this;
  }

  private async sample() {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.db.query<{ oldest: number | null }>(
        `SELECT min(extract(epoch FROM m."createdAt" AT TIME ZONE 'UTC'))::float8 AS oldest
         FROM "Channel" c JOIN "Message" m ON m."channelId" = c.id AND m.seq = c."lastSeq"
         WHERE c.id = ANY($1::uuid[])`,
        [this.channelIds],
      );
      const oldest = rows[0]?.oldest;
      if (oldest) this.samples.record(Math.max(0, Date.now() - oldest * 1000));
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
