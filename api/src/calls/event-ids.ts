// A call's start and end each have one event id, derived from the call id: every API node that reports
// the same end (several may: each hears it from the SFU, or sees the SFU die) produces the same event,
// and the persister stores it once (it drops an event id it already has).
import { createHash } from "node:crypto";

/** A name-based UUID (version 5 layout over SHA-256) for `callId` and `what`. */
export function callEventId(callId: string, what: "started" | "ended"): string {
  const h = createHash("sha256").update(`parley-call:${callId}:${what}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
