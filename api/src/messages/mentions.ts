// Mentions are parsed on the server: `<@user-id>` (what clients insert for @name), @channel / @all, @here.
const USER_MENTION = /<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/gi;
const CHANNEL_MENTION = /(^|[^\w@])@(channel|all)\b/i;
const HERE_MENTION = /(^|[^\w@])@here\b/i;

export interface ParsedMentions {
  userIds: string[];
  channel: boolean;
  here: boolean;
}

export function parseMentions(body: string): ParsedMentions {
  const userIds = [...new Set([...body.matchAll(USER_MENTION)].map((m) => (m[1] as string).toLowerCase()))];
  return { userIds: userIds.slice(0, 100), channel: CHANNEL_MENTION.test(body), here: HERE_MENTION.test(body) };
}
