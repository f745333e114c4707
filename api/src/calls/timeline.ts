// A channel's calls as its timeline shows them: the stored callStarted and callEnded events in a range of
// seqs, for the members of the channel (a previewer of a public channel sees its messages, not its calls).

import type { Actor } from "../channels/access.js";
import { checkIsMember } from "../channels/access.js";
import type { Db } from "../lib/prisma.js";
import type { ChannelEvent } from "../realtime/channel-events.js";

export type CallTimelineEvent = Extract<ChannelEvent, { type: "callStarted" | "callEnded" }>;

export async function listCallEvents(
  db: Db,
  actor: Actor,
  channelId: string,
  range: { after?: number | undefined; before?: number | undefined; limit: number },
): Promise<{ events: CallTimelineEvent[]; hasMore: boolean }> {
  await checkIsMember(db, actor, channelId);
  const rows = await db.channelEvent.findMany({
    where: {
      channelId,
      type: { in: ["callStarted", "callEnded"] },
      seq: {
        ...(range.after === undefined ? {} : { gt: range.after }),
        ...(range.before === undefined ? {} : { lt: range.before }),
      },
    },
    orderBy: { seq: "asc" },
    take: range.limit + 1,
  });
  const events = rows
    .slice(0, range.limit)
    .map((r) => ({ ...(r.payload as Omit<CallTimelineEvent, "seq">), seq: r.seq }) as CallTimelineEvent);
  return { events, hasMore: rows.length > range.limit };
}
