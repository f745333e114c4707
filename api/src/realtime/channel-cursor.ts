// Exactly-once, in-order delivery of one channel's events to one socket. Live events arrive from the bus;
// anything missed (resume, a late subscription, a lost bus message) is read from the stored event log,
// which always holds every announced event, because the persister stores before it announces.
import type { Db } from "../lib/prisma.js";
import type { ChannelEvent } from "./channel-events.js";

/** More missed events than this are not replayed: the client resyncs over HTTP instead. */
export const MAX_REPLAY = 1000;

export interface CursorSink {
  sendFrame(frame: string): void;
  resync(channelId: string, lastSeq: number): void;
}

export class ChannelCursor {
  private pending: ChannelEvent[] = [];
  private catchingUp: Promise<boolean> | null = null;

  constructor(
    readonly channelId: string,
    /** The last seq this socket has (or is deemed to have) seen. */
    private last: number,
    private readonly db: Db,
    private readonly sink: CursorSink,
  ) {}

  get lastSeq() {
    return this.last;
  }

  /** A live event from the bus, with its frame already serialized. */
  onLive(event: ChannelEvent, frame: string) {
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
      const rows = await this.db.channelEvent.findMany({
        where: { channelId: this.channelId, seq: { gt: this.last } },
        orderBy: { seq: "asc" },
        take: MAX_REPLAY + 1,
        select: { seq: true, payload: true },
      });
      if (rows.length > MAX_REPLAY) {
        const newest = await this.db.channel.findUnique({ where: { id: this.channelId }, select: { lastSeq: true } });
        this.last = newest?.lastSeq ?? this.last;
        this.pending = [];
        this.sink.resync(this.channelId, this.last);
        resynced = true;
        continue;
      }
      for (const row of rows) {
        const event = { ...(row.payload as object), seq: row.seq } as ChannelEvent;
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
