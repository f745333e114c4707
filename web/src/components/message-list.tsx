// A channel's messages, virtualized (@tanstack/solid-virtual): only the rows in and near view are in the
// page, so 10,000 loaded messages scroll like 50. Anchored to the end: new messages follow while the reader
// is at the bottom, and older pages loaded at the top keep the reading position.
import { createVirtualizer, type VirtualItem } from "@tanstack/solid-virtual";
import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, onMount, Show, Switch } from "solid-js";
import { shownCallEvents } from "../calls/timeline";
import { CallTimelineItem } from "../calls/timeline-item";
import { whenIdle } from "../lib/idle";
import { useStore } from "../store";
import { MessageItem } from "./message-item";
import { createRowBuilder, type Row } from "./message-rows";
import { PendingItem } from "./pending-item";

// Each channel's measured row heights (the virtualizer's own map of key → size), kept when its list goes
// and handed back when it is opened again: its rows then start at their real heights and are not measured
// again on the way in (a row whose height changed since is corrected by the virtualizer's ResizeObserver,
// as in a live list). The map itself is kept, not takeSnapshot(): that builds an item per row of the
// 10,000, 6 ms of every switch away from a long channel (bench-ui.ts --profile switch).
const measured = new Map<string, Map<VirtualItem["key"], number>>();

/** Rows made above and below the view once the list is on screen. */
const OVERSCAN = 8;

// Each channel's row builder, kept across visits: opened again unchanged, its rows are not built again.
const builders = new Map<string, ReturnType<typeof createRowBuilder>>();
function builderOf(channelId: string) {
  let builder = builders.get(channelId);
  if (!builder) {
    builder = createRowBuilder();
    builders.set(channelId, builder);
  }
  return builder;
}
// Each rows array's key → index, made once per array (10,000 entries for a long channel).
const indexes = new WeakMap<Row[], Map<string, number>>();
function indexOfRows(rows: Row[]): Map<string, number> {
  let index = indexes.get(rows);
  if (!index) {
    index = new Map(rows.map((r, i) => [r.key, i]));
    indexes.set(rows, index);
  }
  return index;
}

// The list's size when one was last open: a new list starts with it, so its first render already holds the
// rows that fill the view, rather than a few for an empty box and the rest once the box is measured.
let lastRect: { width: number; height: number } | undefined;

/** What the virtualizer reads of its initial measurements: each row's key and size. */
function asInitialMeasurements(sizes: Map<VirtualItem["key"], number> | undefined): VirtualItem[] {
  if (!sizes) return [];
  const items: VirtualItem[] = [];
  for (const [key, size] of sizes) items.push({ key, size, index: 0, start: 0, end: 0, lane: 0 });
  return items;
}

export function MessageList(props: {
  channelId: string;
  /** A message to show in context and highlight (permalink, search hit, notification). */
  target?: string | undefined;
  onReply: (messageId: string) => void;
}) {
  const store = useStore();
  const [settled, setSettled] = createSignal(false);
  whenIdle(() => setSettled(true));
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [atEnd, setAtEnd] = createSignal(true);
  const [highlight, setHighlight] = createSignal<string | null>(null);
  let box: HTMLDivElement | undefined;
  // The list is made for one channel (the route keys it): read once, as its cleanup runs after the change.
  const channelId = props.channelId;
  const build = builderOf(channelId);
  // A number, so that opening another channel (which sets its unread start) does not rebuild this list.
  const unreadAfter = createMemo(() => store.unreadFrom(channelId));
  // The rows as a plain array too: the virtualizer asks each row's key and size on every measurement (10,000
  // calls once all history is loaded), and a memo read per call was the heaviest script of a steady scroll's
  // profile after the virtualizer's own loop (bench-ui.ts --profile steady).
  let rowsNow: Row[] = [];
  const rows = createMemo(() => {
    rowsNow = build(
      store.messages.view(channelId),
      store.messages.pending.filter((p) => p.channelId === channelId && !p.parentId),
      unreadAfter(),
      store.session.user()?.id ?? "",
      shownCallEvents(
        store.messages.view(channelId),
        store.calls.timeline(channelId),
        store.messages.hasMore(channelId),
      ),
    );
    return rowsNow;
  });
  // The channel's call starts and ends from the oldest message shown on, read once the list is on screen
  // (a request started in a switch's task cost it ~2 ms).
  createEffect(
    on(
      () => store.messages.view(channelId)[0]?.seq ?? 0,
      (oldest) => whenIdle(() => void store.calls.loadTimeline(channelId, oldest > 1 ? oldest - 1 : 0).catch(() => {})),
    ),
  );
  const indexOf = createMemo(() => indexOfRows(rows()));

  const virtualizer = createVirtualizer<HTMLDivElement, HTMLLIElement>({
    get count() {
      return rows().length;
    },
    getScrollElement: () => box ?? null,
    getItemKey: (i) => rowsNow[i]?.key ?? i,
    estimateSize: (i) => {
      const row = rowsNow[i];
      return row?.kind === "message" && row.continued ? 28 : row?.kind === "message" ? 60 : 36;
    },
    // Open at the newest (the usual place) rather than at the oldest: otherwise the oldest rows are built
    // first, only to be replaced in the next frame. A target or the new-messages line scrolls from there.
    initialOffset: () => (props.target ? 0 : Number.MAX_SAFE_INTEGER),
    initialMeasurementsCache: asInitialMeasurements(measured.get(channelId)),
    ...(lastRect ? { initialRect: lastRect } : {}),
    // A switch draws only the rows in view (and one more each way); the rest of the overscan is made once
    // the page is idle, so that scrolling finds them ready.
    get overscan() {
      return settled() ? OVERSCAN : 1;
    },
    anchorTo: "end",
    followOnAppend: true,
    scrollEndThreshold: 40,
  });
  // Rows are measured together, once all of a render's rows are in the page (one microtask, not one each).
  const toMeasure = new Set<HTMLLIElement>();
  function measureSoon(el: HTMLLIElement) {
    toMeasure.add(el);
    if (toMeasure.size === 1) queueMicrotask(measureAll);
  }
  function measureAll() {
    const els = [...toMeasure];
    toMeasure.clear();
    for (const el of els) if (el.isConnected) virtualizer.measureElement(el);
  }
  onCleanup(() => {
    measured.set(channelId, virtualizer.itemSizeCache);
    if (virtualizer.scrollRect) lastRect = virtualizer.scrollRect;
  });
  const shown = () =>
    virtualizer
      .getVirtualItems()
      .map((v) => rows()[v.index])
      .filter((r): r is Row => !!r);
  const padTop = () => virtualizer.getVirtualItems()[0]?.start ?? 0;

  async function older() {
    if (loadingOlder() || !store.messages.hasMore(channelId)) return;
    setLoadingOlder(true);
    const reading = readingPosition();
    try {
      await store.messages.loadOlder(channelId);
    } finally {
      setLoadingOlder(false);
    }
    // The virtualizer keeps the place by the new rows' estimated heights, and a measurement that lands while
    // its own scroll is being read back is not compensated (743 px off for a page of 50, seen in
    // long-history.test): once the rows are measured, put the message being read back where it was.
    if (reading) requestAnimationFrame(() => requestAnimationFrame(() => restore(reading)));
  }

  /** The first message whose top is in view, and how far below the list's top edge it is. */
  function readingPosition() {
    if (!box) return null;
    const top = box.getBoundingClientRect().top;
    for (const el of box.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
      const at = el.getBoundingClientRect().top - top;
      if (at >= 0) return { seq: el.dataset.seq ?? "", at };
    }
    return null;
  }

  function restore(reading: { seq: string; at: number }) {
    const el = box?.querySelector<HTMLElement>(`[data-testid="message"][data-seq="${reading.seq}"]`);
    if (!box || !el) return;
    const moved = el.getBoundingClientRect().top - box.getBoundingClientRect().top - reading.at;
    if (Math.abs(moved) >= 1) box.scrollTop += moved;
  }

  function onScroll() {
    if (!box) return;
    setAtEnd(box.scrollHeight - box.scrollTop - box.clientHeight < 80);
    if (box.scrollTop < 400) void older();
  }

  const jumpToLatest = () => virtualizer.scrollToEnd();

  // On opening: the target message (loading older pages until it is there), else the first unread, else
  // the newest.
  onMount(() => {
    requestAnimationFrame(async () => {
      const target = props.target;
      if (target) {
        await store.messages.loadUntilId(channelId, target);
        const i = indexOf().get(target);
        if (i !== undefined) {
          virtualizer.scrollToIndex(i, { align: "center" });
          setHighlight(target);
          setTimeout(() => setHighlight(null), 4000);
          return;
        }
      }
      const line = indexOf().get("new");
      if (line !== undefined && line < rows().length - 6) virtualizer.scrollToIndex(line, { align: "start" });
      else virtualizer.scrollToEnd();
    });
  });

  // Editing a message far up (Up in the composer): bring it into view.
  createEffect(
    on(store.editing, (id) => {
      const i = id ? indexOf().get(id) : undefined;
      if (i !== undefined) virtualizer.scrollToIndex(i, { align: "auto" });
    }),
  );
  // My own send always shows, wherever the reader was.
  createEffect(
    on(
      () => store.messages.pending.filter((p) => p.channelId === channelId && !p.parentId).length,
      (n, prev) => {
        if (prev !== undefined && n > prev) requestAnimationFrame(() => virtualizer.scrollToEnd());
      },
    ),
  );

  return (
    <div class="messages-wrap">
      <div class="messages" ref={box} onScroll={onScroll} data-testid="message-scroller">
        <Show when={store.messages.hasMore(channelId)}>
          <button type="button" class="link older" onClick={older} disabled={loadingOlder()}>
            {loadingOlder() ? "Loading…" : "Load older messages"}
          </button>
        </Show>
        <ol
          class="message-list"
          aria-label="Messages"
          style={{ height: `${virtualizer.getTotalSize()}px`, "padding-top": `${padTop()}px` }}
        >
          <For each={shown()}>
            {(row) => (
              <li class="msg-row" data-index={indexOf().get(row.key)} ref={measureSoon}>
                <Switch>
                  <Match when={row.kind === "day" && row}>
                    {(r) => (
                      <div class="day-divider">
                        <span>{r().label}</span>
                      </div>
                    )}
                  </Match>
                  <Match when={row.kind === "new"}>
                    <div class="new-line" data-testid="new-messages-line">
                      <span>New messages</span>
                    </div>
                  </Match>
                  <Match when={row.kind === "message" && row}>
                    {(r) => (
                      <MessageItem
                        message={r().message}
                        continued={r().continued}
                        highlighted={highlight() === r().key}
                        onReply={props.onReply}
                      />
                    )}
                  </Match>
                  <Match when={row.kind === "pending" && row}>{(r) => <PendingItem pending={r().pending} />}</Match>
                  <Match when={row.kind === "call" && row}>{(r) => <CallTimelineItem event={r().event} />}</Match>
                </Switch>
              </li>
            )}
          </For>
        </ol>
      </div>
      <Show when={!atEnd()}>
        <button type="button" class="jump-latest" onClick={jumpToLatest}>
          Jump to latest ↓
        </button>
      </Show>
    </div>
  );
}
