// Reads the examples of api/PROTOCOL.md so a test can hold them against the server. The examples are JSON
// with three liberties a reader understands: "…" inside a string stands for any text ("1f0…" is some id),
// a bare … in an object stands for more fields, and `a | b` offers alternatives. parseExamples() reads
// them into values where those liberties are explicit (OneOf, OPEN); matchExample() says whether a frame
// the server sent is one the example describes.
import { readFileSync } from "node:fs";
import path from "node:path";

export const PROTOCOL_MD = path.resolve(import.meta.dirname, "..", "..", "PROTOCOL.md");
export const protocolText = () => readFileSync(PROTOCOL_MD, "utf8");

/** Marks an object that may have more fields than the example lists. */
export const OPEN = Symbol("open");
export class OneOf {
  constructor(readonly options: unknown[]) {}
}

type Token = { kind: "punct" | "string" | "number" | "literal" | "ellipsis"; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|(…)|([{}[\]:,|])/gy;
  let match: RegExpExecArray | null;
  for (let at = 0; at < text.length; at = pattern.lastIndex) {
    pattern.lastIndex = at;
    match = pattern.exec(text);
    if (!match) throw new Error(`unexpected ${JSON.stringify(text.slice(at, at + 20))}`);
    const [, str, num, lit, ell, punct] = match;
    if (str) tokens.push({ kind: "string", text: str });
    else if (num) tokens.push({ kind: "number", text: num });
    else if (lit) tokens.push({ kind: "literal", text: lit });
    else if (ell) tokens.push({ kind: "ellipsis", text: ell });
    else if (punct) tokens.push({ kind: "punct", text: punct });
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  done() {
    return this.at >= this.tokens.length;
  }

  private peek() {
    return this.tokens[this.at];
  }

  private take(text?: string): Token {
    const token = this.tokens[this.at++];
    if (!token || (text !== undefined && token.text !== text))
      throw new Error(`expected ${text ?? "a value"} at token ${this.at}, got ${token?.text ?? "the end"}`);
    return token;
  }

  value(): unknown {
    const first = this.single();
    if (this.peek()?.text !== "|") return first;
    const options = [first];
    while (this.peek()?.text === "|") {
      this.take("|");
      options.push(this.single());
    }
    return new OneOf(options);
  }

  private single(): unknown {
    const token = this.take();
    if (token.text === "{") return this.object();
    if (token.text === "[") return this.array();
    if (token.kind === "string" || token.kind === "number" || token.kind === "literal") return JSON.parse(token.text);
    throw new Error(`unexpected ${token.text}`);
  }

  private object() {
    const out: Record<string | symbol, unknown> = {};
    while (this.peek()?.text !== "}") {
      if (this.peek()?.kind === "ellipsis") {
        this.take();
        out[OPEN] = true;
      } else {
        const key = JSON.parse(this.take().text) as string;
        this.take(":");
        out[key] = this.value();
      }
      if (this.peek()?.text === ",") this.take(",");
    }
    this.take("}");
    return out;
  }

  private array() {
    const out: unknown[] = [];
    while (this.peek()?.text !== "]") {
      out.push(this.value());
      if (this.peek()?.text === ",") this.take(",");
    }
    this.take("]");
    return out;
  }
}

export interface Example {
  /** The heading the example sits under. */
  section: string;
  value: unknown;
}

/** Every value of every ```json block, in order; throws naming the block that is not readable. */
export function parseExamples(markdown = protocolText()): Example[] {
  const examples: Example[] = [];
  let section = "";
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith("#")) section = line.replace(/^#+\s*/, "");
    if (line.trim() !== "```json") continue;
    const end = lines.indexOf("```", i + 1);
    const block = lines.slice(i + 1, end).join("\n");
    try {
      const parser = new Parser(tokenize(block));
      while (!parser.done()) examples.push({ section, value: parser.value() });
    } catch (error) {
      throw new Error(`PROTOCOL.md line ${i + 2} (${section}): ${(error as Error).message}`);
    }
    i = end;
  }
  return examples;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT/;

/** null when `actual` is what `example` describes; otherwise where and how it differs. */
export function matchExample(actual: unknown, example: unknown, at = "frame"): string | null {
  if (example instanceof OneOf) {
    return example.options.some((option) => matchExample(actual, option, at) === null)
      ? null
      : `${at}: ${JSON.stringify(actual)} is none of the alternatives`;
  }
  if (typeof example === "string") {
    if (example.includes("…") || ISO_TIME.test(example))
      return typeof actual === "string" ? null : `${at}: expected some text, got ${JSON.stringify(actual)}`;
    return actual === example ? null : `${at}: expected ${JSON.stringify(example)}, got ${JSON.stringify(actual)}`;
  }
  if (typeof example === "number")
    return typeof actual === "number" ? null : `${at}: expected a number, got ${JSON.stringify(actual)}`;
  if (example === null || typeof example === "boolean")
    return actual === example ? null : `${at}: expected ${example}, got ${JSON.stringify(actual)}`;
  if (Array.isArray(example)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${JSON.stringify(actual)}`;
    if (example.length === 0) return actual.length === 0 ? null : `${at}: expected an empty array`;
    for (const [i, item] of actual.entries()) {
      const problem = matchExample(item, example[0], `${at}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  const shape = example as Record<string | symbol, unknown>;
  if (typeof actual !== "object" || actual === null || Array.isArray(actual))
    return `${at}: expected an object, got ${JSON.stringify(actual)}`;
  const fields = actual as Record<string, unknown>;
  for (const key of Object.keys(shape)) {
    if (!(key in fields)) return `${at}.${key}: missing`;
    const problem = matchExample(fields[key], shape[key], `${at}.${key}`);
    if (problem) return problem;
  }
  if (!shape[OPEN]) {
    const extra = Object.keys(fields).filter((key) => !(key in shape));
    if (extra.length > 0) return `${at}: fields the example does not show: ${extra.join(", ")}`;
  }
  return null;
}

/** The first column of the markdown table that follows `heading`, without backticks, split at commas. */
export function tableKeys(heading: string, markdown = protocolText()): string[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.replace(/^#+\s*/, "") === heading);
  if (start < 0) throw new Error(`PROTOCOL.md has no heading "${heading}"`);
  const keys: string[] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("|")) {
      inTable = true;
      const cell = line.split("|")[1]?.trim() ?? "";
      if (/^-+$/.test(cell) || cell === "" || (!cell.includes("`") && !/^\d+$/.test(cell))) continue;
      keys.push(...cell.split(",").map((key) => key.replace(/`/g, "").trim()));
    } else if (inTable) break;
  }
  return keys;
}
