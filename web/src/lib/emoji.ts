// Emoji data (emojibase: labels, groups, Slack's short codes), loaded lazily so it stays out of the first
// paint's JavaScript. Until it is here, `:short_code:` shows as typed and the picker says it is loading.
import { createSignal } from "solid-js";

export interface Emoji {
  unicode: string;
  label: string;
  /** Slack-style short codes, the first is the main one. */
  codes: string[];
  group: number;
  tags: string[];
}

interface Data {
  list: Emoji[];
  byCode: Map<string, Emoji>;
}

const [data, setData] = createSignal<Data | null>(null);
let loading: Promise<void> | null = null;

type Compact = { hexcode: string; label: string; unicode: string; group?: number; order?: number; tags?: string[] };

export function loadEmoji(): Promise<void> {
  loading ??= Promise.all([
    import("emojibase-data/en/compact.json"),
    import("emojibase-data/en/shortcodes/iamcal.json"),
  ]).then(([compact, codes]) => {
    const shortcodes = codes.default as Record<string, string | string[]>;
    const list: Emoji[] = [];
    const byCode = new Map<string, Emoji>();
    // Group 2 is "component" (bare skin tones and hair): not something to send.
    const rows = (compact.default as Compact[]).filter((e) => e.group !== undefined && e.group !== 2);
    rows.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    for (const e of rows) {
      const found = shortcodes[e.hexcode];
      const all = found === undefined ? [] : Array.isArray(found) ? found : [found];
      const emoji: Emoji = { unicode: e.unicode, label: e.label, codes: all, group: e.group ?? 0, tags: e.tags ?? [] };
      list.push(emoji);
      for (const c of all) if (!byCode.has(c)) byCode.set(c, emoji);
    }
    setData({ list, byCode });
  });
  return loading;
}

/** The emoji of a short code (without colons), once the data is loaded (reactive). */
export function emojiOf(code: string): string | undefined {
  return data()?.byCode.get(code.toLowerCase())?.unicode;
}

export const emojiReady = () => data() !== null;

/** Emoji whose short code, label or tags start with `query` (short code matches first). */
export function searchEmoji(query: string, limit = 40): Emoji[] {
  const d = data();
  if (!d) return [];
  const q = query.toLowerCase().replace(/^:|:$/g, "");
  if (!q) return d.list.slice(0, limit);
  const first: Emoji[] = [];
  const then: Emoji[] = [];
  for (const e of d.list) {
    if (e.codes.some((c) => c.startsWith(q))) first.push(e);
    else if (
      e.label
        .toLowerCase()
        .split(/\s+/)
        .some((w) => w.startsWith(q)) ||
      e.tags.some((t) => t.startsWith(q))
    )
      then.push(e);
    if (first.length >= limit) break;
  }
  return [...first, ...then].slice(0, limit);
}

/** The emoji groups in picker order, with their names. */
export const GROUPS: [number, string][] = [
  [0, "Smileys & emotion"],
  [1, "People & body"],
  [3, "Animals & nature"],
  [4, "Food & drink"],
  [5, "Travel & places"],
  [6, "Activities"],
  [7, "Objects"],
  [8, "Symbols"],
  [9, "Flags"],
];

export function emojiInGroup(group: number): Emoji[] {
  return data()?.list.filter((e) => e.group === group) ?? [];
}

export function labelOf(unicode: string): string {
  return data()?.list.find((e) => e.unicode === unicode)?.label ?? unicode;
}

const RECENT_KEY = "parley.recentEmoji";
const [recent, setRecent] = createSignal<string[]>(readRecent());

function readRecent(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]") as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").slice(0, 24) : [];
  } catch {
    return [];
  }
}

/** Emoji this browser used last, newest first (reactive). */
export const recentEmoji = recent;

export function rememberEmoji(unicode: string) {
  const next = [unicode, ...recent().filter((e) => e !== unicode)].slice(0, 24);
  setRecent(next);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(next));
  } catch {
    // Storage full or denied: recent emoji last for this page only.
  }
}
