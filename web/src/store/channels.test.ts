// The sidebar list after a reload of it (channels.load): what the server answered, merged with what the
// tab already knew from events and its own reads.
import { describe, expect, it } from "vitest";
import { type MyChannel, mergeLoaded } from "./channels";

const channel = (fields: Partial<MyChannel>): MyChannel => ({
  id: "c1",
  kind: "public",
  name: "general",
  topic: "",
  otherMembers: [],
  lastSeq: 10,
  lastReadSeq: 10,
  unreadCount: 0,
  mentionCount: 0,
  muted: false,
  notifyLevel: "mentions",
  role: "member",
  ...fields,
});

describe("mergeLoaded", () => {
  it("takes the answer for a channel the tab did not hold", () => {
    const answer = channel({ lastSeq: 12, lastReadSeq: 10, unreadCount: 2, mentionCount: 1 });
    expect(mergeLoaded(answer, undefined)).toEqual(answer);
  });

  it("keeps a read the server had not seen when it answered: what was read stays read", () => {
    const answer = channel({ lastSeq: 12, lastReadSeq: 11, unreadCount: 1, mentionCount: 1 });
    const mine = channel({ lastSeq: 12, lastReadSeq: 12 });
    expect(mergeLoaded(answer, mine)).toMatchObject({ lastSeq: 12, lastReadSeq: 12, unreadCount: 0, mentionCount: 0 });
  });

  it("keeps the tab's counts where it heard of messages the answer had not", () => {
    const answer = channel({ lastSeq: 12, lastReadSeq: 10, unreadCount: 2, mentionCount: 0 });
    const mine = channel({ lastSeq: 14, lastReadSeq: 10, unreadCount: 4, mentionCount: 1 });
    expect(mergeLoaded(answer, mine)).toMatchObject({ lastSeq: 14, lastReadSeq: 10, unreadCount: 4, mentionCount: 1 });
  });

  it("takes the answer's counts and newer read position (another device read it)", () => {
    const answer = channel({ lastSeq: 14, lastReadSeq: 13, unreadCount: 1, mentionCount: 0, name: "renamed" });
    const mine = channel({ lastSeq: 12, lastReadSeq: 10, unreadCount: 2, mentionCount: 1 });
    expect(mergeLoaded(answer, mine)).toEqual(answer);
  });
});
