// Which of a channel's call starts and ends go among the messages shown: with older messages still to
// load, those before the oldest shown wait until those messages are there (components/message-rows.ts
// places them by seq).
import type { MessageView } from "api/client";
import type { CallTimelineEvent } from "./store";

export function shownCallEvents(
  messages: readonly MessageView[],
  events: CallTimelineEvent[],
  hasOlder: boolean,
): CallTimelineEvent[] {
  const oldest = messages[0]?.seq ?? Number.POSITIVE_INFINITY;
  return [...events].filter((e) => !hasOlder || e.seq > oldest).sort((a, b) => a.seq - b.seq);
}
