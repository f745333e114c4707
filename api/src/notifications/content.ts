// What a notification says and carries, the same for every transport. Pure.
// Title: the channel (#name) or the DM (the sender; a group DM: its other members). Body: the sender and the
// first PREVIEW_CHARS characters of the message, or "New message" when the workspace hides previews.
import type { ChannelKind, Why } from "./rules.js";

export const PREVIEW_CHARS = 100;
export const HIDDEN_PREVIEW = "New message";

/** One notification for one person, as every transport sends it (FCM data, the socket's frame). */
export interface PushNotification {
  /** "message": show or replace the channel's notification; "withdraw": take it away (the message went). */
  kind: "message" | "withdraw";
  /** The channel event it comes from (with the user, it makes a repeat recognisable). */
  eventId: string;
  channelId: string;
  messageId: string;
  title: string;
  body: string;
  /** One notification per channel: the collapse key (FCM) and tag (browsers); a newer one replaces it. */
  tag: string;
  /** Unread messages in the channel for this person, this one included. */
  unread: number;
  /** The first of a burst alerts (sound, vibration); later ones replace it quietly. */
  alert: boolean;
  /** Where a click leads: the channel, at the message. */
  url: string;
  why: Why | "update";
}

export interface ChannelFacts {
  kind: ChannelKind;
  name: string | null;
}

/** The collapse key / tag of a channel's notifications: its id without dashes (32 characters, Web Push's Topic limit). */
export const tagOf = (channelId: string) => channelId.replaceAll("-", "");

export const messageUrl = (channelId: string, messageId: string) =>
  `/c/${channelId}?m=${encodeURIComponent(messageId)}`;

/** `otherMembers`: for a group DM, the names of its members but the recipient (any order). */
export function titleOf(channel: ChannelFacts, authorName: string, otherMembers: readonly string[] = []): string {
  if (channel.kind === "dm") return authorName;
  // Sorted as the sidebar sorts a group DM's members.
  if (channel.kind === "group") return otherMembers.length > 0 ? [...otherMembers].sort().join(", ") : authorName;
  return `#${channel.name ?? ""}`;
}

const USER_MENTION = /<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/gi;

/** The message as people read it: `<@id>` becomes @Name. */
export function readableText(body: string, names: ReadonlyMap<string, string>): string {
  return body.replace(USER_MENTION, (_, id: string) => `@${names.get(id.toLowerCase()) ?? "someone"}`).trim();
}

/** The first `max` characters (whole code points, so no emoji is cut in half), with … when cut. */
export function clip(text: string, max = PREVIEW_CHARS): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max).join("")}…`;
}

export function bodyOf(authorName: string, text: string, previews: boolean): string {
  return previews ? `${authorName}: ${clip(text)}` : HIDDEN_PREVIEW;
}
