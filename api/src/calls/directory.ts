// Which call runs in which channel, and on which SFU process. Shared by every API node through Kv (Redis,
// or in-process on a single node): the first node to claim a channel's call decides its id and its SFU.
// Besides the channel → call entry it keeps, per SFU process, the calls placed on it (so the calls of a
// process that died can all be ended) and, per call, who took part (its end says how many).
import type { Kv } from "../lib/kv.js";

export type CallRecord = {
  callId: string;
  channelId: string;
  sfuUrl: string;
  /** The SFU process (its instanceId) that holds the call's media: the call dies with it. */
  sfuInstance: string;
  startedBy: string;
  startedAt: string;
};

/** Longer than any call; a call that outlives it is still running, it only loses its directory entry. */
const TTL_MS = 24 * 60 * 60_000;
const channelKey = (channelId: string) => `call:channel:${channelId}`;
const idKey = (callId: string) => `call:id:${callId}`;
const instanceKey = (instanceId: string) => `call:on:${instanceId}`;
const usersKey = (callId: string) => `call:users:${callId}`;
const lastInstanceKey = (url: string) => `call:sfu-instance:${url}`;

const parse = (raw: string | null) => (raw ? (JSON.parse(raw) as CallRecord) : null);

export async function findCall(kv: Kv, channelId: string): Promise<CallRecord | null> {
  return parse(await kv.get(channelKey(channelId)));
}

export async function findCallById(kv: Kv, callId: string): Promise<CallRecord | null> {
  return parse(await kv.get(idKey(callId)));
}

/** The running calls of these channels (one read however many channels). */
export async function findCalls(kv: Kv, channelIds: readonly string[]): Promise<CallRecord[]> {
  const raw = await kv.getMany(channelIds.map(channelKey));
  return raw.map(parse).filter((r): r is CallRecord => r !== null);
}

/** Records `draft` as the channel's call unless another node got there first; returns the winner. */
export async function claimCall(kv: Kv, draft: CallRecord): Promise<{ record: CallRecord; created: boolean }> {
  const existing = await kv.setIfAbsent(channelKey(draft.channelId), JSON.stringify(draft), TTL_MS);
  if (existing !== null) return { record: JSON.parse(existing) as CallRecord, created: false };
  await kv.set(idKey(draft.callId), JSON.stringify(draft), TTL_MS);
  await kv.touchMembers([{ key: instanceKey(draft.sfuInstance), member: draft.callId }], TTL_MS);
  return { record: draft, created: true };
}

/** Removes the channel's entry if it still names this call (a newer call in the channel is left alone). */
export async function forgetCall(kv: Kv, record: CallRecord) {
  const current = await findCall(kv, record.channelId);
  if (current?.callId === record.callId) await kv.del(channelKey(record.channelId));
  await kv.del(idKey(record.callId));
  await kv.removeMembers([{ key: instanceKey(record.sfuInstance), member: record.callId }]);
}

/** The calls placed on one SFU process. */
export async function callsOnInstance(kv: Kv, instanceId: string): Promise<string[]> {
  const [ids] = await kv.liveMembersOf([instanceKey(instanceId)]);
  return ids ?? [];
}

export async function noteParticipant(kv: Kv, callId: string, userId: string) {
  await kv.touchMembers([{ key: usersKey(callId), member: userId }], TTL_MS);
}

/** How many different people took part (as far as the API saw them join). */
export async function countParticipants(kv: Kv, callId: string): Promise<number> {
  const [users] = await kv.liveMembersOf([usersKey(callId)]);
  return users?.length ?? 0;
}

/**
 * Remembers `instanceId` as the SFU process at `url` and returns the one remembered before (null if the
 * same or none): a different one means the earlier process, and its calls, are gone.
 */
export async function swapInstance(kv: Kv, url: string, instanceId: string): Promise<string | null> {
  const before = await kv.get(lastInstanceKey(url));
  if (before !== instanceId) await kv.set(lastInstanceKey(url), instanceId, TTL_MS * 30);
  return before !== null && before !== instanceId ? before : null;
}
