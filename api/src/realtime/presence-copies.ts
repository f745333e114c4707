// A presence change is published once per channel of the user, so a node receives one identical copy per
// channel topic its sockets share with that user. Per node (not per socket, BENCHMARKS.md finding 2) this
// remembers each user's last status and the channels its copies already went out on: a copy repeating one
// already delivered on its channel is dropped before fan-out, and a socket skips a copy it already got
// through an earlier channel. A socket that got none of the earlier copies (its only shared channel is this
// one, or it started watching after they went out) still gets this one.
import type { Ephemeral } from "./ephemeral.js";

type Presence = Extract<Ephemeral, { type: "presence" }>;

let clock = 0;
/** A node-wide counter ordering "a socket started watching a channel" against "a copy went out on it". */
export const tick = () => ++clock;

/** One copy of a change: the channels copies of that change went out on (with when), and this copy's tick. */
export interface PresenceCopy {
  readonly sentOn: ReadonlyMap<string, number>;
  readonly at: number;
}

interface LastChange {
  status: string;
  sentOn: Map<string, number>;
}

/** Copies of one change arrive within milliseconds; a user's record is forgotten after 1–2 windows unused. */
const WINDOW_MS = 30_000;

export class PresenceCopies {
  // Two generations: records not touched for a whole window are dropped, so the node keeps records only
  // for users whose presence changed lately (a forgotten change repeated later is sent again: harmless).
  private current = new Map<string, LastChange>();
  private previous = new Map<string, LastChange>();
  private rotatedAt = Date.now();

  /** Null when this change already went out on this channel (a repeat for every socket watching it). */
  admit(message: Presence, channelId: string): PresenceCopy | null {
    const now = Date.now();
    if (now - this.rotatedAt > WINDOW_MS) {
      this.previous = this.current;
      this.current = new Map();
      this.rotatedAt = now;
    }
    const status = `${message.status}/${message.lastSeenAt}`;
    let last = this.current.get(message.userId) ?? this.previous.get(message.userId);
    if (last?.status !== status) last = { status, sentOn: new Map() };
    this.current.set(message.userId, last);
    if (last.sentOn.has(channelId)) return null;
    const at = tick();
    last.sentOn.set(channelId, at);
    return { sentOn: last.sentOn, at };
  }
}

/** True when a socket with these channels (each watched since a tick) got an earlier copy of this change. */
export function gotEarlierCopy(copy: PresenceCopy, watching: ReadonlyMap<string, { watchedSince: number }>) {
  const got = (sentAt: number | undefined, since: number | undefined) =>
    sentAt !== undefined && since !== undefined && sentAt < copy.at && since < sentAt;
  if (copy.sentOn.size <= watching.size) {
    for (const [channelId, sentAt] of copy.sentOn) if (got(sentAt, watching.get(channelId)?.watchedSince)) return true;
  } else {
    for (const [channelId, cursor] of watching) if (got(copy.sentOn.get(channelId), cursor.watchedSince)) return true;
  }
  return false;
}
