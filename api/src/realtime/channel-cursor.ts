// Exactly-once, in-order delivery of one channel's events to one socket. Live events arrive from the bus;
// anything missed (resume, a late subscription, a lost bus message) is read from the stored event log,
// which always holds every announced event, because the persister stores before it announces.
import type { Sql } from "../lib/sql.js";
import type { ChannelEvent } from "./channel-events.js";
import { tick } from "./presence-copies.js";

/** More missed events than this are not replayed: the client resyncs over HTTP instead. */
export const MAX_REPLAY = 1000;

export interface CursorSink {
  /** A text frame: a string, or UTF-8 bytes already encoded once for every socket. */
  sendFrame(frame: string | Buffer): void;
  resync(channelId: string, lastSeq: number): void;
}

/** The channels' stored positions (`lastSeq`) by id; a channel that does not exist is absent. One prepared
 * statement: it runs on every membership change a socket hears of and after a bus resubscription. */
export async function storedPositions(sql: Sql, channelIds: string[]): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ id: string; lastSeq: number }>({
    name: "channel-positions",
    text: `SELECT id, "lastSeq" FROM "Channel" WHERE id = ANY($1::uuid[])`,
    values: [channelIds],
  });
  return new Map(rows.map((r) => [r.id, r.lastSeq]));
}

export class ChannelCursor {
  private pending: ChannelEvent[] = [];
  private catchingUp: Promise<boolean> | null = null;
  /** When this socket started watching the channel (node-wide tick, for presence-copies.ts). */
  readonly watchedSince = tick();

  constructor(
    readonly channelId: string,
    /** The last seq this socket has (or is deemed to have) seen. */
    private last: number,
    private readonly sql: Sql,
    private readonly sink: CursorSink,
  ) {}

  get lastSeq() {
    return this.last;
  }

  /** A live event from the bus, with its frame already encoded. */
  onLive(event: ChannelEvent, frame: Buffer) {
    if (event.seq <= this.last) return;
    if (!this.catchingUp && event.seq === this.last + 1) {
      this.last = event.seq;
      this.sink.sendFrame(frame);
      return;
    }
    this.pending.push(event);
    void this.catchUp();
  }

  /** Sends everything stored after the current position; resolves when caught up, true if it resynced. */
  catchUp(): Promise<boolean> {
    this.catchingUp ??= this.runCatchUp().finally(() => {
      this.catchingUp = null;
    });
    return this.catchingUp;
  }

  private async runCatchUp(): Promise<boolean> {
    let resynced = false;
    for (;;) {
      const { rows } = await this.sql.query<{ seq: number; payload: object }>(
        `SELECT seq, payload FROM "ChannelEvent" WHERE "channelId" = $1::uuid AND seq > $2 ORDER BY seq LIMIT $3`,
        [this.channelId, this.last, MAX_REPLAY + 1],
      );
      if (rows.length > MAX_REPLAY) {
        const newest = await this.sql.query<{ lastSeq: number }>(
          `SELECT "lastSeq" FROM "Channel" WHERE id = $1::uuid`,
          [this.channelId],
        );
        this.last = newest.rows[0]?.lastSeq ?? this.last;
        this.pending = [];
        this.sink.resync(this.channelId, this.last);
        resynced = true;
        continue;
      }
      for (const row of rows) {
        const event = { ...row.payload, seq: row.seq } as ChannelEvent;
        this.last = row.seq;
        this.sink.sendFrame(JSON.stringify({ type: "channelEvent", event }));
      }
      const waiting = this.pending.filter((e) => e.seq > this.last).sort((a, b) => a.seq - b.seq);
      this.pending = [];
      let gap = false;
      for (const event of waiting) {
        if (event.seq <= this.last) continue;
        if (event.seq !== this.last + 1) {
          gap = true;
          break;
        }
        this.last = event.seq;
        this.sink.sendFrame(JSON.stringify({ type: "channelEvent", event }));
      }
      // Events after a gap are in the store too (stored before announced): the next read gets them.
      if (!gap && this.pending.length === 0) return resynced;
    }
  }
}
