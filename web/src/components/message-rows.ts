// The rows of a channel's message list: messages and my pending sends, with a divider before each new
// day and a "new messages" line before the first unread one. Rows are reused while what they show is
// unchanged, so the list re-renders only what changed.
import type { MessageView } from "api/client";
import type { CallTimelineEvent } from "../calls/store";
import type { Pending } from "../store/messages";

/** Same author within this long of their previous message: drawn as a continuation. */
export const GROUP_MS = 5 * 60_000;

export type Row =
  | { kind: "day"; key: string; label: string }
  | { kind: "new"; key: string }
  | { kind: "message"; key: string; message: MessageView; continued: boolean }
  | { kind: "pending"; key: string; pending: Pending }
  /** A call's start or end (calls/timeline-item.tsx), between the messages by seq. */
  | { kind: "call"; key: string; event: CallTimelineEvent };

export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const day = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const diff = Math.round((today.getTime() - day.getTime()) / 86_400_000);
  if (diff === 0) return "Today";
  if (diff === 1) return "Yesterday";
  return (d.getFullYear() === now.getFullYear() ? thisYear : otherYear).format(d);
}
// Formatters made once: toLocaleDateString with options builds one per call, which a list of 10,000
// messages spread over weeks pays on every rebuild.
const thisYear = new Intl.DateTimeFormat([], { weekday: "long", month: "long", day: "numeric" });
const otherYear = new Intl.DateTimeFormat([], { weekday: "long", month: "long", day: "numeric", year: "numeric" });

// A message's local day, worked out once per message object (the list is rebuilt on every change and on
// every channel switch; parsing 10,000 dates each time was most of a rebuild).
const dayKeys = new WeakMap<MessageView, string>();
const dayKey = (m: MessageView) => {
  let key = dayKeys.get(m);
  if (key === undefined) {
    const d = new Date(m.createdAt);
    key = `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
    dayKeys.set(m, key);
  }
  return key;
};

// Its time in milliseconds, parsed once per message object (two parses per message per rebuild otherwise).
const times = new WeakMap<MessageView, number>();
const timeOf = (m: MessageView) => {
  let t = times.get(m);
  if (t === undefined) {
    t = Date.parse(m.createdAt);
    times.set(m, t);
  }
  return t;
};

/**
 * A row builder that hands back the same row object for a message whose row would not change, and the same
 * rows (the same array) when nothing it is given changed: a channel opened again with its 10,000 loaded
 * messages unchanged is not walked again.
 */
export function createRowBuilder() {
  let cache = new Map<string, Row>();
  // What the last rows were built from, and on which day ("Today" and "Yesterday" move at midnight).
  let last: { given: Parameters<typeof build>; day: string; rows: Row[] } | undefined;
  return function rowsOf(...given: Parameters<typeof build>): Row[] {
    const day = new Date().toDateString();
    if (last?.day === day && given.every((arg, i) => sameArg(arg, last?.given[i]))) return last.rows;
    last = { given, day, rows: build(...given) };
    return last.rows;
  };
  function build(
    messages: readonly MessageView[],
    pending: Pending[],
    unreadAfter: number,
    meId: string,
    calls: CallTimelineEvent[] = [],
  ): Row[] {
    const next = new Map<string, Row>();
    const rows: Row[] = [];
    let lastDay = "";
    let prev: MessageView | null = null;
    let newLine = false;
    const reuse = (row: Row, same: (old: Row) => boolean) => {
      const old = cache.get(row.key);
      const kept = old && same(old) ? old : row;
      next.set(row.key, kept);
      rows.push(kept);
    };
    let call = 0;
    const callsBefore = (seq: number) => {
      for (; call < calls.length && (calls[call]?.seq ?? 0) < seq; call++) {
        const event = calls[call] as CallTimelineEvent;
        reuse({ kind: "call", key: `call-${event.seq}`, event }, (old) => old.kind === "call" && old.event === event);
        prev = null;
      }
    };
    for (const m of messages) {
      callsBefore(m.seq);
      const day = dayKey(m);
      if (day !== lastDay) {
        lastDay = day;
        prev = null;
        const label = dayLabel(m.createdAt);
        reuse({ kind: "day", key: `day-${day}`, label }, (old) => old.kind === "day" && old.label === label);
      }
      if (!newLine && m.seq > unreadAfter && m.authorId !== meId) {
        newLine = true;
        prev = null;
        reuse({ kind: "new", key: "new" }, () => true);
      }
      const continued =
        prev !== null && prev.authorId === m.authorId && !prev.deletedAt && timeOf(m) - timeOf(prev) < GROUP_MS;
      reuse(
        { kind: "message", key: m.id, message: m, continued },
        (old) => old.kind === "message" && old.message === m && old.continued === continued,
      );
      prev = m;
    }
    callsBefore(Number.POSITIVE_INFINITY);
    for (const p of pending) {
      reuse(
        { kind: "pending", key: `pending-${p.clientId}`, pending: p },
        (old) => old.kind === "pending" && old.pending === p,
      );
    }
    cache = next;
    return rows;
  }
}

/** The same value, or arrays of the same items (the callers filter and sort into new arrays each time). */
function sameArg(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((item, i) => item === b[i]);
}
