// Who hears of a message: pure functions over (the message, one recipient's state). No I/O here: the
// notifier gathers the facts (facts.ts, attention.ts) and rules.test.ts pins every combination.
//
// A recipient is notified when the message is addressed to them (a DM, a mention, @channel, @here while
// they were online, a reply in a thread they follow, or any top-level message when they asked for all),
// their setting for the channel lets it through, and none of these holds: they wrote it, they muted the
// channel, they are looking at the channel right now, or they do not want to be disturbed now.

export type ChannelKind = "public" | "private" | "dm" | "group";
export type NotifyLevel = "all" | "mentions" | "nothing";

export interface MessageFacts {
  channelKind: ChannelKind;
  authorId: string;
  /** A thread reply (it has a parent). */
  isReply: boolean;
  /** Members named in the body (`<@id>`). */
  mentionedUserIds: readonly string[];
  /** @channel or @all. */
  mentionsChannel: boolean;
  /** @here: the members online when it was sent. */
  hereUserIds: readonly string[];
  /** For a reply: who follows the thread (started it, replied in it, or was named in it). */
  threadFollowers: readonly string[];
}

export interface RecipientState {
  userId: string;
  level: NotifyLevel;
  muted: boolean;
  /** A focused tab of theirs shows this channel now. */
  activeInChannel: boolean;
  /** Snoozed, or inside their quiet hours (quiet-hours.ts). */
  doNotDisturb: boolean;
}

/** Why a message is addressed to someone, strongest first. */
export type Why = "dm" | "mention" | "channel" | "here" | "thread" | "all";
export type WhyNot = "author" | "muted" | "level" | "not-addressed" | "active" | "dnd";
export type Decision = { notify: true; why: Why } | { notify: false; whyNot: WhyNot };

/** The reasons that get through the "mentions" setting: everything addressed to the person. */
const PERSONAL: ReadonlySet<Why> = new Set(["dm", "mention", "channel", "here", "thread"]);

/** Why the message is addressed to this user whatever their settings, or null when it is not. */
export function addressedBecause(message: MessageFacts, userId: string): Why | null {
  if (userId === message.authorId) return null;
  if (message.channelKind === "dm" || message.channelKind === "group") return "dm";
  if (message.mentionedUserIds.includes(userId)) return "mention";
  if (message.mentionsChannel) return "channel";
  if (message.hereUserIds.includes(userId)) return "here";
  if (message.isReply) return message.threadFollowers.includes(userId) ? "thread" : null;
  return "all";
}

/** Whether the user's setting for the channel lets a message addressed for this reason through. */
export function levelAllows(level: NotifyLevel, why: Why): boolean {
  if (level === "nothing") return false;
  return level === "all" || PERSONAL.has(why);
}

export function decide(message: MessageFacts, recipient: RecipientState): Decision {
  if (recipient.userId === message.authorId) return { notify: false, whyNot: "author" };
  if (recipient.muted) return { notify: false, whyNot: "muted" };
  if (recipient.level === "nothing") return { notify: false, whyNot: "level" };
  const why = addressedBecause(message, recipient.userId);
  if (!why) return { notify: false, whyNot: "not-addressed" };
  if (!levelAllows(recipient.level, why)) return { notify: false, whyNot: "level" };
  if (recipient.activeInChannel) return { notify: false, whyNot: "active" };
  if (recipient.doNotDisturb) return { notify: false, whyNot: "dnd" };
  return { notify: true, why };
}

/**
 * Whether a member could be notified at all, before asking where they are looking or what time it is for
 * them: the notifier asks Redis about these only.
 */
export function mayNotify(message: MessageFacts, recipient: Pick<RecipientState, "userId" | "level" | "muted">) {
  return decide(message, { ...recipient, activeInChannel: false, doNotDisturb: false }).notify;
}
