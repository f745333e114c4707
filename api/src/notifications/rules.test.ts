// The notification rule matrix, as a table: every kind of message × every recipient condition × every
// channel setting → notified (and why) or not (and why not). A cell "+why" means notified for that reason;
// "-whyNot" means not notified.
import { describe, expect, it } from "vitest";
import { decide, type MessageFacts, type NotifyLevel, type RecipientState } from "./rules.js";

const AUTHOR = "author";
const ME = "me";
const OTHER = "someone-else";

const base: MessageFacts = {
  channelKind: "public",
  authorId: AUTHOR,
  isReply: false,
  mentionedUserIds: [],
  mentionsChannel: false,
  hereUserIds: [],
  threadFollowers: [],
};

/** The messages of the matrix, as seen by ME. */
const messages: Record<string, MessageFacts> = {
  dm: { ...base, channelKind: "dm" },
  "group dm": { ...base, channelKind: "group" },
  "dm thread reply": { ...base, channelKind: "dm", isReply: true },
  mention: { ...base, mentionedUserIds: [ME] },
  "mention of another": { ...base, mentionedUserIds: [OTHER] },
  "@channel": { ...base, mentionsChannel: true },
  "@here, me online": { ...base, hereUserIds: [ME] },
  "@here, me offline": { ...base, hereUserIds: [OTHER] },
  "thread reply, following": { ...base, isReply: true, threadFollowers: [ME, AUTHOR] },
  "thread reply, not following": { ...base, isReply: true, threadFollowers: [OTHER] },
  "mention in a reply": { ...base, isReply: true, mentionedUserIds: [ME] },
  "plain channel message": base,
  "private channel message": { ...base, channelKind: "private" },
};

/** Recipient conditions: how ME stands when the message comes. */
const conditions: Record<string, (s: RecipientState) => RecipientState> = {
  plain: (s) => s,
  muted: (s) => ({ ...s, muted: true }),
  dnd: (s) => ({ ...s, doNotDisturb: true }),
  active: (s) => ({ ...s, activeInChannel: true }),
  author: (s) => ({ ...s, userId: AUTHOR }),
};

// message                      | condition | all        | mentions       | nothing
const matrix = `
dm                              | plain     | +dm        | +dm            | -level
dm                              | muted     | -muted     | -muted         | -muted
dm                              | dnd       | -dnd       | -dnd           | -level
dm                              | active    | -active    | -active        | -level
dm                              | author    | -author    | -author        | -author
group dm                        | plain     | +dm        | +dm            | -level
group dm                        | muted     | -muted     | -muted         | -muted
group dm                        | dnd       | -dnd       | -dnd           | -level
group dm                        | active    | -active    | -active        | -level
group dm                        | author    | -author    | -author        | -author
dm thread reply                 | plain     | +dm        | +dm            | -level
mention                         | plain     | +mention   | +mention       | -level
mention                         | muted     | -muted     | -muted         | -muted
mention                         | dnd       | -dnd       | -dnd           | -level
mention                         | active    | -active    | -active        | -level
mention                         | author    | -author    | -author        | -author
mention of another              | plain     | +all       | -level         | -level
@channel                        | plain     | +channel   | +channel       | -level
@channel                        | muted     | -muted     | -muted         | -muted
@channel                        | dnd       | -dnd       | -dnd           | -level
@channel                        | active    | -active    | -active        | -level
@channel                        | author    | -author    | -author        | -author
@here, me online                | plain     | +here      | +here          | -level
@here, me online                | muted     | -muted     | -muted         | -muted
@here, me online                | dnd       | -dnd       | -dnd           | -level
@here, me online                | active    | -active    | -active        | -level
@here, me online                | author    | -author    | -author        | -author
@here, me offline               | plain     | +all       | -level         | -level
thread reply, following         | plain     | +thread    | +thread        | -level
thread reply, following         | muted     | -muted     | -muted         | -muted
thread reply, following         | dnd       | -dnd       | -dnd           | -level
thread reply, following         | active    | -active    | -active        | -level
thread reply, following         | author    | -author    | -author        | -author
thread reply, not following     | plain     | -not-addressed | -not-addressed | -level
mention in a reply              | plain     | +mention   | +mention       | -level
plain channel message           | plain     | +all       | -level         | -level
plain channel message           | muted     | -muted     | -muted         | -muted
plain channel message           | dnd       | -dnd       | -level         | -level
plain channel message           | active    | -active    | -level         | -level
plain channel message           | author    | -author    | -author        | -author
private channel message         | plain     | +all       | -level         | -level
`;

const LEVELS: NotifyLevel[] = ["all", "mentions", "nothing"];

const rows = matrix
  .trim()
  .split("\n")
  .flatMap((line) => {
    const [message, condition, ...cells] = line.split("|").map((cell) => cell.trim());
    return LEVELS.map((level, i) => ({
      message: message ?? "",
      condition: condition ?? "",
      level,
      expected: cells[i],
    }));
  });

describe("the notification rule matrix", () => {
  it("covers every message kind and every recipient condition", () => {
    for (const message of Object.keys(messages)) expect(rows.some((r) => r.message === message)).toBe(true);
    for (const condition of Object.keys(conditions)) expect(rows.some((r) => r.condition === condition)).toBe(true);
    expect(rows.length).toBe(41 * 3);
  });

  it.each(rows)("$message, $condition, setting $level → $expected", ({ message, condition, level, expected }) => {
    const facts = messages[message];
    const apply = conditions[condition];
    if (!facts || !apply) throw new Error(`unknown row: ${message} / ${condition}`);
    const recipient = apply({ userId: ME, level, muted: false, activeInChannel: false, doNotDisturb: false });
    const decision = decide(facts, recipient);
    expect(decision.notify ? `+${decision.why}` : `-${decision.whyNot}`).toBe(expected);
  });
});
