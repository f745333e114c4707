// Which call runs in which channel, and on which SFU. Shared by every API node through Kv (Redis, or
// in-process on a single node): the first node to claim a channel's call decides its id and its SFU.
import type { Kv } from "../lib/kv.js";

export type CallRecord = { callId: string; channelId: string; sfuUrl: string; startedBy: string; startedAt: string };

/** Longer than any call; a call that outlives it is still running, it only loses its directory entry. */
const TTL_MS = 24 * 60 * 60_000;
const channelKey = (channelId: string) => `call:channel:${channelId}`;
const idKey = (callId: string) => `call:id:${callId}`;

const parse = (raw: string | null) => (raw ? (JSON.parse(raw) as CallRecord) : null);

export async function findCall(kv: Kv, channelId: string): Promise<CallRecord | null> {
  return parse(await kv.get(channelKey(channelId)));
}

export async function findCallById(kv: Kv, callId: string): Promise<CallRecord | null> {
  return parse(await kv.get(idKey(callId)));
}

/** Records `draft` as the channel's call unless another node got there first; returns the winner. */
export async function claimCall(kv: Kv, draft: CallRecord): Promise<{ record: CallRecord; created: boolean }> {
  const existing = await kv.setIfAbsent(channelKey(draft.channelId), JSON.stringify(draft), TTL_MS);
  if (existing !== null) return { record: JSON.parse(existing) as CallRecord, created: false };
  await kv.set(idKey(draft.callId), JSON.stringify(draft), TTL_MS);
  return { record: draft, created: true };
}

/** Removes the channel's entry if it still names this call (a newer call in the channel is left alone). */
export async function forgetCall(kv: Kv, record: CallRecord) {
  const current = await findCall(kv, record.channelId);
  if (current?.callId === record.callId) await kv.del(channelKey(record.channelId));
  await kv.del(idKey(record.callId));
}

/** True for exactly one caller per call id: that node reports the call's end in the channel. */
export async function claimEnd(kv: Kv, callId: string): Promise<boolean> {
  return (await kv.setIfAbsent(`call:ended:${callId}`, "1", TTL_MS)) === null;
}
