// A message body as DOM: marked's tokens (parse.ts) mapped to elements one by one. Every piece of user
// text reaches the page as a text node; links get only safe hrefs and open apart from this page.
import type { Token, Tokens } from "marked";
import { createMemo, For, type JSX, Match, Switch } from "solid-js";
import { emojiOf } from "../../lib/emoji";
import { type GroupMentionToken, lex, type MentionToken, type ShortcodeToken, safeHref } from "./parse";

export interface MarkdownContext {
  /** A mentioned user's name, if known. */
  nameOf(userId: string): string | undefined;
  /** The viewer: a mention of them is marked as such. */
  meId: string;
}

export function Markdown(props: { body: string; context: MarkdownContext }) {
  const tokens = createMemo(() => lex(props.body));
  return <Blocks tokens={tokens()} context={props.context} />;
}

function Blocks(props: { tokens: Token[]; context: MarkdownContext }) {
  return <For each={props.tokens}>{(t) => <Block token={t} context={props.context} />}</For>;
}

function Block(props: { token: Token; context: MarkdownContext }): JSX.Element {
  const t = props.token;
  const inline = (tokens: Token[] | undefined, text: string) =>
    tokens ? <Inline tokens={tokens} context={props.context} /> : text;
  switch (t.type) {
    case "paragraph":
      return <p>{inline(t.tokens, t.text)}</p>;
    case "heading":
      // Chat messages are not documents: a heading is a strong line, not a heading in the page's outline.
      return <p class={`md-heading md-h${(t as Tokens.Heading).depth}`}>{inline(t.tokens, t.text)}</p>;
    case "code": {
      const code = t as Tokens.Code;
      const lang = (code.lang ?? "").split(/\s/)[0] ?? "";
      return (
        <pre class="md-code" data-lang={lang || undefined}>
          {lang ? <span class="md-lang">{lang}</span> : null}
          <code class={lang ? `language-${lang}` : undefined}>{code.text}</code>
        </pre>
      );
    }
    case "blockquote":
      return (
        <blockquote>
          <Blocks tokens={(t as Tokens.Blockquote).tokens} context={props.context} />
        </blockquote>
      );
    case "list":
      return <List list={t as Tokens.List} context={props.context} />;
    case "table":
      return <Table table={t as Tokens.Table} context={props.context} />;
    case "hr":
      return <hr />;
    case "text":
      return inline(t.tokens, t.text);
    case "space":
    case "def":
      return null;
    default:
      // Anything else (html is switched off, but to be sure) shows as the text that was typed.
      return <p>{t.raw}</p>;
  }
}

function List(props: { list: Tokens.List; context: MarkdownContext }) {
  const items = () => (
    <For each={props.list.items}>
      {(item) => (
        <li classList={{ "md-task": item.task }}>
          {item.task ? (
            <span class="md-check" role="img" aria-label={item.checked ? "done" : "not done"}>
              {item.checked ? "☑" : "☐"}{" "}
            </span>
          ) : null}
          <Blocks tokens={item.tokens.filter((x) => x.type !== "checkbox")} context={props.context} />
        </li>
      )}
    </For>
  );
  return (
    <Switch>
      <Match when={props.list.ordered}>
        <ol start={typeof props.list.start === "number" && props.list.start !== 1 ? props.list.start : undefined}>
          {items()}
        </ol>
      </Match>
      <Match when={!props.list.ordered}>
        <ul>{items()}</ul>
      </Match>
    </Switch>
  );
}

function Table(props: { table: Tokens.Table; context: MarkdownContext }) {
  return (
    <div class="md-table">
      <table>
        <thead>
          <tr>
            <For each={props.table.header}>
              {(cell) => (
                <th>
                  <Inline tokens={cell.tokens} context={props.context} />
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <For each={props.table.rows}>
            {(row) => (
              <tr>
                <For each={row}>
                  {(cell) => (
                    <td>
                      <Inline tokens={cell.tokens} context={props.context} />
                    </td>
                  )}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

function Inline(props: { tokens: Token[]; context: MarkdownContext }) {
  return <For each={props.tokens}>{(t) => <InlineToken token={t} context={props.context} />}</For>;
}

function InlineToken(props: { token: Token; context: MarkdownContext }): JSX.Element {
  const t = props.token;
  const children = (tokens: Token[] | undefined, text: string) =>
    tokens ? <Inline tokens={tokens} context={props.context} /> : text;
  switch (t.type) {
    case "text":
      return children(t.tokens, t.text);
    case "escape":
      return t.text;
    case "strong":
      return <strong>{children(t.tokens, t.text)}</strong>;
    case "em":
      return <em>{children(t.tokens, t.text)}</em>;
    case "del":
      return <del>{children(t.tokens, t.text)}</del>;
    case "codespan":
      return <code class="md-inline-code">{t.text}</code>;
    case "br":
      return <br />;
    case "link":
    case "image":
      return <Link token={t as Tokens.Link | Tokens.Image} context={props.context} />;
    case "mention": {
      const m = t as unknown as MentionToken;
      const name = () => props.context.nameOf(m.userId);
      return (
        <span class="mention" classList={{ "mention-me": m.userId === props.context.meId }} data-user-id={m.userId}>
          @{name() ?? "someone"}
        </span>
      );
    }
    case "groupMention":
      return <span class="mention mention-me">@{(t as unknown as GroupMentionToken).name}</span>;
    case "shortcode": {
      const s = t as unknown as ShortcodeToken;
      const emoji = () => emojiOf(s.code);
      return (
        <>
          {emoji() ? (
            <span class="emoji" role="img" aria-label={s.code.replace(/_/g, " ")} title={`:${s.code}:`}>
              {emoji()}
            </span>
          ) : (
            s.raw
          )}
        </>
      );
    }
    default:
      return t.raw;
  }
}

function Link(props: { token: Tokens.Link | Tokens.Image; context: MarkdownContext }) {
  const href = safeHref(props.token.href);
  // An image is linked, not loaded: a message cannot make every reader's browser fetch a URL.
  const label =
    props.token.type === "image" ? (
      props.token.text || props.token.href
    ) : (
      <Inline tokens={props.token.tokens} context={props.context} />
    );
  if (!href) return <span class="md-unsafe-link">{label}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" title={props.token.title ?? undefined}>
      {label}
    </a>
  );
}
