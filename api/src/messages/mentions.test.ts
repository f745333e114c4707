import { describe, expect, it } from "vitest";
import { parseMentions } from "./mentions.js";

describe("parseMentions", () => {
  it("finds user, channel and here mentions", () => {
    const id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    expect(parseMentions(`hi <@${id}> and <@${id.toUpperCase()}>, @channel`)).toEqual({
      userIds: [id],
      channel: true,
      here: false,
    });
    expect(parseMentions("@here look")).toEqual({ userIds: [], channel: false, here: true });
    expect(parseMentions("@all hands")).toMatchObject({ channel: true });
  });

  it("ignores look-alikes inside words and e-mail addresses", () => {
    expect(parseMentions("mail me@channel.org or x@here")).toEqual({ userIds: [], channel: false, here: false });
    expect(parseMentions("<@not-a-uuid>")).toEqual({ userIds: [], channel: false, here: false });
  });
});
