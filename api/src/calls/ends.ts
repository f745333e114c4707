// Writing a call's end into its channel (callEnded), whichever way it ended: the SFU says so (to every
// API node, and again to each node that connects until one confirms), or the SFU process holding it is
// gone. Any node may write it, any number of times: the event id comes from the call id, so it is stored
// once.
import type { CallEvent } from "sfu/protocol";
import { emitChannelEvents } from "../realtime/emit.js";
import type { Services } from "../services.js";
import { callsOnInstance, countParticipants, findCallById, forgetCall } from "./directory.js";
import { callEventId } from "./event-ids.js";

export type CallEnded = Extract<CallEvent, { type: "callEnded" }>;

/** Appends callEnded to the call's channel log (durable when this resolves). */
async function writeEnd(services: Services, callId: string, event: CallEnded) {
  const { reason, durationMs, joinedUsers } = event;
  await emitChannelEvents(services.log, [
    {
      eventId: callEventId(callId, "ended"),
      type: "callEnded",
      channelId: event.channelId,
      actorId: event.startedBy,
      data: { callId, reason, durationMs: Math.max(0, Math.round(durationMs)), joinedUsers },
    },
  ]);
}

/**
 * The SFU says a call ended. The directory forgets it first, so nobody is sent to it any more (the event
 * carries all the end needs); if the write fails, the SFU offers the end again until one is confirmed.
 */
export async function recordSfuEnd(services: Services, callId: string, event: CallEnded) {
  const record = await findCallById(services.kv, callId);
  if (record) await forgetCall(services.kv, record);
  await writeEnd(services, callId, event);
}

/**
 * Ends every call placed on SFU process `instanceId`, which is gone: writes callEnded (reason sfuLost,
 * with how long it ran and how many took part as far as the API saw) and returns those ends by call id.
 */
export async function endCallsOf(services: Services, instanceId: string): Promise<Map<string, CallEnded>> {
  const ended = new Map<string, CallEnded>();
  for (const callId of await callsOnInstance(services.kv, instanceId)) {
    const record = await findCallById(services.kv, callId);
    if (!record) continue;
    const event: CallEnded = {
      type: "callEnded",
      reason: "sfuLost",
      durationMs: Date.now() - Date.parse(record.startedAt),
      joinedUsers: await countParticipants(services.kv, callId),
      channelId: record.channelId,
      startedBy: record.startedBy,
    };
    // Forgotten only once written: a failed write leaves the call for the next node that notices.
    await writeEnd(services, callId, event);
    await forgetCall(services.kv, record);
    ended.set(callId, event);
  }
  return ended;
}
