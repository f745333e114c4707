// What the composer offers while typing: @people (and @channel, @here) or :emoji:, from the word at the caret.

export interface Trigger {
  kind: "mention" | "emoji";
  /** Where the word (with its @ or :) starts in the text. */
  start: number;
  query: string;
}

/** The word being typed at `caret`, if it asks for a suggestion. */
export function triggerAt(text: string, caret: number): Trigger | null {
  const before = text.slice(0, caret);
  const mention = /(^|\s)@([\p{L}\p{N}_.-]{0,30})$/u.exec(before);
  if (mention)
    return { kind: "mention", start: caret - (mention[2] as string).length - 1, query: mention[2] as string };
  // Two characters at least, so "12:30" or a lone ":" do not open the list.
  const emoji = /(^|\s):([a-z0-9_+-]{2,30})$/i.exec(before);
  if (emoji) return { kind: "emoji", start: caret - (emoji[2] as string).length - 1, query: emoji[2] as string };
  return null;
}

/** Replaces the trigger's word with `insert` (and a space); returns the new text and caret. */
export function replaceTrigger(text: string, trigger: Trigger, caret: number, insert: string) {
  const next = `${text.slice(0, trigger.start)}${insert} ${text.slice(caret)}`;
  return { text: next, caret: trigger.start + insert.length + 1 };
}

/** People whose name has a word starting with the query, best first. */
export function matchPeople<T extends { id: string; displayName: string }>(people: T[], query: string, meId: string) {
  const q = query.toLowerCase();
  const scored = people
    .filter((p) => p.id !== meId)
    .map((p) => {
      const name = p.displayName.toLowerCase();
      const score = name.startsWith(q) ? 0 : name.split(/\s+/).some((w) => w.startsWith(q)) ? 1 : -1;
      return { p, score };
    })
    .filter((x) => x.score >= 0)
    .sort((a, b) => a.score - b.score || a.p.displayName.localeCompare(b.p.displayName));
  return scored.map((x) => x.p);
}

/** The body as sent: each picked `@Name` becomes the `<@id>` the server resolves. */
export function encodeMentions(text: string, picked: Map<string, string>): string {
  let out = text;
  // Longest names first, so "@Ann Lee" is not taken as "@Ann".
  for (const [name, id] of [...picked].sort((a, b) => b[0].length - a[0].length)) {
    out = out.split(`@${name}`).join(`<@${id}>`);
  }
  return out;
}
