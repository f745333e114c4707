// Accounting for the notifications scenario: which FCM request stands for each stored mention. The notifier
// sends one notification per person and channel per batch (a burst collapses into one showing the newest
// message), so a mention is covered by the first push to the named member's device, in its channel, of a
// message at or after it. Nothing may be left uncovered, no message pushed twice, no push go elsewhere.
import type pg from "pg";
import type { FcmEndpoint, FcmRequest } from "../../test/support/fcm-endpoint.js";

export interface Mention {
  id: string;
  channelId: string;
  seq: number;
  named: string;
}

const NAMED = /<@([0-9a-f-]{36})>/;

/** The stored messages of these channels that name someone, with whom. */
export async function storedMentions(db: pg.Pool, channels: string[]): Promise<Mention[]> {
  const { rows } = await db.query<{ id: string; channelId: string; seq: number; body: string }>(
    `SELECT id, "channelId", seq, body FROM "Message" WHERE "channelId" = ANY($1::uuid[]) AND body LIKE '%<@%'`,
    [channels],
  );
  return rows.map((r) => ({ id: r.id, channelId: r.channelId, seq: r.seq, named: NAMED.exec(r.body)?.[1] ?? "" }));
}

export interface Coverage {
  /** The push standing for each mention, by mention id (absent: not covered). */
  cover: Map<string, FcmRequest>;
  /** Mentions shown by a push of a newer message (a burst collapsed into one notification). */
  collapsed: number;
  problems: string[];
}

export function coverage(mentions: Mention[], sends: FcmRequest[], tokenOf: Map<string, string>): Coverage {
  const byId = new Map(mentions.map((m) => [m.id, m]));
  const problems: string[] = [];
  const timesPushed = new Map<string, number>();
  /** Per device token and channel, the pushes as (seq of the message shown, request), by seq. */
  const pushes = new Map<string, { seq: number; request: FcmRequest }[]>();
  let strangers = 0;
  let misdirected = 0;
  for (const request of sends) {
    const id = request.message.data?.messageId ?? "";
    const mention = byId.get(id);
    if (!mention) {
      strangers++;
      continue;
    }
    timesPushed.set(id, (timesPushed.get(id) ?? 0) + 1);
    if (request.message.token !== tokenOf.get(mention.named)) misdirected++;
    const key = `${request.message.token}/${mention.channelId}`;
    pushes.set(key, [...(pushes.get(key) ?? []), { seq: mention.seq, request }]);
  }
  for (const list of pushes.values()) list.sort((a, b) => a.seq - b.seq);
  const cover = new Map<string, FcmRequest>();
  let collapsed = 0;
  for (const m of mentions) {
    const found = pushes.get(`${tokenOf.get(m.named)}/${m.channelId}`)?.find((p) => p.seq >= m.seq);
    if (!found) continue;
    cover.set(m.id, found.request);
    if (found.seq !== m.seq) collapsed++;
  }
  const uncovered = mentions.length - cover.size;
  const repeated = [...timesPushed.values()].filter((n) => n > 1).length;
  if (uncovered > 0) problems.push(`${uncovered} of ${mentions.length} mentions never notified`);
  if (repeated > 0) problems.push(`${repeated} messages pushed more than once`);
  if (misdirected > 0) problems.push(`${misdirected} pushes to a device of someone not named`);
  if (strangers > 0) problems.push(`${strangers} pushes for messages that named no one`);
  return { cover, collapsed, problems };
}

/** Until every one of these mentions is covered by a push, or `timeoutMs`; returns how many are not. */
export async function waitForCoverage(
  mentions: Mention[],
  endpoint: FcmEndpoint,
  tokenOf: Map<string, string>,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { cover } = coverage(mentions, endpoint.sends, tokenOf);
    const missing = mentions.length - cover.size;
    if (missing === 0 || Date.now() > deadline) return missing;
    await new Promise((r) => setTimeout(r, 250));
  }
}
