// Message markdown, lexed by marked (a maintained CommonMark + GFM parser) into tokens that
// markdown.tsx turns into DOM nodes itself: no HTML string is ever made or injected, so text can only
// ever be text. HTML in a message is not HTML here: the html tokenizers are switched off, so `<script>`
// is lexed as plain text and the markdown around it still works. Chat additions: `<@user-id>` mentions,
// @channel / @all / @here, and `:short_code:` emoji.
import { Marked, type Token, type TokenizerExtension } from "marked";

export interface MentionToken {
  type: "mention";
  raw: string;
  userId: string;
}
export interface GroupMentionToken {
  type: "groupMention";
  raw: string;
  name: string;
}
export interface ShortcodeToken {
  type: "shortcode";
  raw: string;
  code: string;
}

const mention: TokenizerExtension = {
  name: "mention",
  level: "inline",
  start: (src) => src.indexOf("<@"),
  tokenizer(src) {
    const m = /^<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/i.exec(src);
    return m ? { type: "mention", raw: m[0], userId: (m[1] as string).toLowerCase() } : undefined;
  },
};

const groupMention: TokenizerExtension = {
  name: "groupMention",
  level: "inline",
  start: (src) => src.search(/@(channel|all|here)\b/i),
  tokenizer(src) {
    const m = /^@(channel|all|here)\b/i.exec(src);
    return m ? { type: "groupMention", raw: m[0], name: (m[1] as string).toLowerCase() } : undefined;
  },
};

const shortcode: TokenizerExtension = {
  name: "shortcode",
  level: "inline",
  start: (src) => src.search(/:[a-z0-9_+-]+:/i),
  tokenizer(src) {
    const m = /^:([a-z0-9_+-]{1,32}):/i.exec(src);
    return m ? { type: "shortcode", raw: m[0], code: (m[1] as string).toLowerCase() } : undefined;
  },
};

const md = new Marked({
  gfm: true,
  // A single line break in a chat message is a line break.
  breaks: true,
  extensions: [mention, groupMention, shortcode],
  tokenizer: {
    // No raw HTML, block or inline: undefined means "not HTML", so it is lexed as text.
    html: () => undefined,
    tag: () => undefined,
  },
});

/** The token tree of a message body. */
// Tokens by body: a channel opened again renders the same messages, and lexing them was a good part of a
// channel switch. The tokens are only read (markdown.tsx); the cache is dropped whole when it is full.
const lexed = new Map<string, Token[]>();
export function lex(body: string): Token[] {
  let tokens = lexed.get(body);
  if (tokens === undefined) {
    if (lexed.size >= 5_000) lexed.clear();
    tokens = md.lexer(body);
    lexed.set(body, tokens);
  }
  return tokens;
}

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/**
 * The href a link may carry, or null when it must stay text (javascript:, data:, vbscript: …). Judged
 * by the URL parser, as the browser would read it; relative links resolve against this page.
 */
export function safeHref(href: string, base = globalThis.location?.href ?? "http://localhost/"): string | null {
  try {
    const url = new URL(href, base);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}
