import type { MessageView } from "api/client";
import { describe, expect, it } from "vitest";
import { createRowBuilder } from "./message-rows";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 12, minute)).toISOString();
const message = (seq: number, authorId: string, minute: number): MessageView =>
  ({
    id: `m${seq}`,
    seq,
    channelId: "c",
    authorId,
    body: `message ${seq}`,
    createdAt: at(minute),
    editedAt: null,
    deletedAt: null,
    parentId: null,
    reactions: [],
    attachments: [],
  }) as unknown as MessageView;

describe("createRowBuilder", () => {
  const history = [message(1, "ana", 0), message(2, "ana", 1), message(3, "ben", 2)];

  it("hands back the same rows when given the same messages again, in a new array", () => {
    const build = createRowBuilder();
    const first = build(history, [], Number.MAX_SAFE_INTEGER, "ana");
    expect(first.map((r) => r.kind)).toEqual(["day", "message", "message", "message"]);
    expect(build([...history], [], Number.MAX_SAFE_INTEGER, "ana")).toBe(first);
  });

  it("builds again when a message changes, keeping the rows of those that did not", () => {
    const build = createRowBuilder();
    const first = build(history, [], Number.MAX_SAFE_INTEGER, "ana");
    const edited = { ...history[2], body: "edited" } as MessageView;
    const next = build(
      [history[0] as MessageView, history[1] as MessageView, edited],
      [],
      Number.MAX_SAFE_INTEGER,
      "ana",
    );
    expect(next).not.toBe(first);
    expect(next[1]).toBe(first[1]);
    expect(next[3]).not.toBe(first[3]);
    expect(next[3]).toMatchObject({ kind: "message", message: edited });
  });

  it("builds again when the first unread moves, placing the new-messages line", () => {
    const build = createRowBuilder();
    const first = build(history, [], Number.MAX_SAFE_INTEGER, "ana");
    const next = build(history, [], 2, "ana");
    expect(next).not.toBe(first);
    expect(next.map((r) => r.kind)).toEqual(["day", "message", "message", "new", "message"]);
  });

  it("draws the same author within five minutes as a continuation", () => {
    const rows = createRowBuilder()(history, [], Number.MAX_SAFE_INTEGER, "ana");
    expect(rows.map((r) => (r.kind === "message" ? r.continued : null))).toEqual([null, false, true, false]);
  });
});
