// The calls slice: whether calls can be made here now, which of my channels have a live call and who is
// in it (sidebar marks, banners), each channel's call start/end timeline, and the one call controller.
import type { CallRosterEntry, CallsAvailability, ChannelEvent, ServerFrame } from "api/client";
import { createSignal } from "solid-js";
import { createStore, produce as mutate, reconcile } from "solid-js/store";
import { api, read } from "../shared/http";
import { CallController, type CallRequest } from "./controller";
import { createCallState } from "./state";

export type CallTimelineEvent = Extract<ChannelEvent, { type: "callStarted" | "callEnded" }>;
type CallFrame = Extract<ServerFrame, { type: "callEvent" | "callRoster" | "callsAvailability" }>;
export type LiveCall = { callId: string; participants: CallRosterEntry[] | null };

export function createCalls(request: CallRequest) {
  const [availability, setAvailability] = createSignal<CallsAvailability>("off");
  const [live, setLive] = createStore<Record<string, LiveCall>>({});
  const [timelines, setTimelines] = createStore<Record<string, CallTimelineEvent[]>>({});
  /** The channel whose pre-join screen is open. */
  const [prejoin, setPrejoin] = createSignal<string | null>(null);
  /** The audio output chosen before joining (null: the system's). */
  const [speaker, setSpeaker] = createSignal<string | null>(null);
  const controller = new CallController(request, createCallState());

  function isCallFrame(frame: { type: string }): frame is CallFrame {
    return frame.type === "callEvent" || frame.type === "callRoster" || frame.type === "callsAvailability";
  }

  function onFrame(frame: CallFrame) {
    if (frame.type === "callsAvailability") setAvailability(frame.state);
    else if (frame.type === "callRoster") {
      if (frame.participants.length === 0) setLive(mutate((l) => void delete l[frame.channelId]));
      else setLive(frame.channelId, { callId: frame.callId, participants: frame.participants });
    } else controller.onEvent(frame.callId, frame.event);
  }

  function onChannelEvent(event: ChannelEvent) {
    if (event.type !== "callStarted" && event.type !== "callEnded") return;
    if (timelines[event.channelId] && !timelines[event.channelId]?.some((e) => e.seq === event.seq))
      setTimelines(event.channelId, (list) => [...(list ?? []), event]);
    if (event.type === "callEnded" && live[event.channelId]?.callId === event.data.callId)
      setLive(mutate((l) => void delete l[event.channelId]));
    if (event.type === "callStarted" && !live[event.channelId])
      setLive(event.channelId, { callId: event.data.callId, participants: null });
  }

  /** The socket is live (first time or again): what can be done, and which calls run now. */
  async function resumed() {
    try {
      setAvailability((await request("call.status", {})).state);
      const { calls } = await request("call.list", {});
      const fresh: Record<string, LiveCall> = {};
      for (const c of calls)
        fresh[c.channelId] = { callId: c.callId, participants: live[c.channelId]?.participants ?? null };
      setLive(
        mutate((l) => {
          for (const id of Object.keys(l)) if (!fresh[id]) delete l[id];
          Object.assign(l, fresh);
        }),
      );
    } catch {
      // The socket went again; the next resume asks again.
    }
    controller.socketBack();
  }

  /** Who is in the channel's call, when the banner needs names it has not heard yet. */
  async function loadParticipants(channelId: string) {
    if (!live[channelId] || live[channelId]?.participants) return;
    const { callId, peers } = await request("call.getParticipants", { channelId }).catch(() => ({
      callId: null,
      peers: [],
    }));
    if (!callId) return setLive(mutate((l) => void delete l[channelId]));
    const seen = new Set<string>();
    const participants = peers
      .filter((p) => !seen.has(p.userId) && seen.add(p.userId))
      .map((p) => ({ userId: p.userId, displayName: p.displayName }));
    setLive(channelId, { callId, participants });
  }

  /** The channel's call starts and ends from `afterSeq` on (the oldest message shown). */
  async function loadTimeline(channelId: string, afterSeq: number) {
    const res = await api.api.calls[":channelId"].timeline.$get({
      param: { channelId },
      query: { after: String(Math.max(0, afterSeq)), limit: "200" },
    });
    const { events } = await read<{ events: CallTimelineEvent[] }>(res);
    // Fetched again on each visit to the channel: reconciled, an unchanged timeline changes nothing (the
    // message list rebuilds its rows when it does).
    setTimelines(channelId, reconcile(events, { key: "seq" }));
  }

  function stop() {
    void controller.leave();
    setPrejoin(null);
    setLive(
      mutate((l) => {
        for (const id of Object.keys(l)) delete l[id];
      }),
    );
  }

  return {
    availability,
    live: (channelId: string) => live[channelId],
    timeline: (channelId: string) => timelines[channelId] ?? [],
    prejoin,
    speaker,
    setSpeaker,
    openPrejoin: (channelId: string) => setPrejoin(channelId),
    closePrejoin: () => setPrejoin(null),
    controller,
    isCallFrame,
    onFrame,
    onChannelEvent,
    resumed,
    socketLost: () => controller.socketLost(),
    loadParticipants,
    loadTimeline,
    stop,
  };
}
export type CallsSlice = ReturnType<typeof createCalls>;
