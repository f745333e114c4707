// A call's start or end as a row of the channel's timeline: who started it; how long it lasted and how
// many took part.
import { useStore } from "../store";
import { VideoIcon } from "./icons";
import type { CallTimelineEvent } from "./store";

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

const endWhy: Record<Extract<CallTimelineEvent, { type: "callEnded" }>["data"]["reason"], string> = {
  empty: "",
  ended: " (ended by an admin)",
  shutdown: " (the call server shut down)",
  workerDied: " (the call server lost its media)",
  sfuLost: " (the call server went away)",
};

export function CallTimelineItem(props: { event: CallTimelineEvent }) {
  const store = useStore();
  const who = () => store.presence.name(props.event.actorId) ?? "Someone";
  const text = () => {
    const e = props.event;
    if (e.type === "callStarted") return `${who()} started a call`;
    const people = `${e.data.joinedUsers} ${e.data.joinedUsers === 1 ? "person" : "people"}`;
    return `Call ended · ${duration(e.data.durationMs)} · ${people}${endWhy[e.data.reason]}`;
  };
  return (
    <div class="call-event" data-testid={props.event.type} data-seq={props.event.seq}>
      <VideoIcon class="icon-svg call-event-icon" />
      <span>{text()}</span>
      <time datetime={props.event.at}>{time(props.event.at)}</time>
    </div>
  );
}
