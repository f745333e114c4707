// The live operations slice: the dashboard's one socket (web/shared's ChatSocket, without channel events),
// subscribed to `admin.subscribeOps` while the live page is open. Samples arrive pushed; nothing polls.
import type { OpsPoint, OpsSnapshot, RequestResults } from "api/client";
import { createSignal } from "solid-js";
import { ChatSocket } from "web/shared";

export const HISTORY_MS = 15 * 60 * 1000;
type Subscribed = RequestResults["admin.subscribeOps"];

export function createLiveStore() {
  const [points, setPoints] = createSignal<OpsPoint[]>([]);
  const [snapshot, setSnapshot] = createSignal<OpsSnapshot | null>(null);
  const [settings, setSettings] = createSignal<Omit<Subscribed, "history" | "snapshot"> | null>(null);
  const [status, setStatus] = createSignal<"connecting" | "online" | "offline">("connecting");
  const [error, setError] = createSignal("");
  let socket: ChatSocket | null = null;

  function add(point: OpsPoint, next: OpsSnapshot) {
    setPoints((old) => [...old.filter((p) => p.t >= point.t - HISTORY_MS && p.t < point.t), point]);
    setSnapshot(next);
  }

  async function subscribe(current: ChatSocket) {
    try {
      const { history, snapshot: now, ...rest } = await current.request("admin.subscribeOps", {});
      setSettings(rest);
      setPoints(history);
      setSnapshot(now);
      setError("");
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return {
    points,
    snapshot,
    settings,
    status,
    error,
    /** Opens the socket and subscribes (again after every reconnect). */
    start() {
      if (socket) return;
      const current = new ChatSocket({
        onFrame: (frame) => {
          if (frame.type === "opsSample") add(frame.point, frame.snapshot);
        },
        onResumed: () => void subscribe(current),
        onStatus: setStatus,
        onEnded: () => setError("Your session ended: sign in again."),
      });
      socket = current;
      current.start();
    },
    stop() {
      socket?.stop();
      socket = null;
    },
    async replayDeadLetters(): Promise<number> {
      if (!socket) throw new Error("Not connected");
      return (await socket.request("admin.replayDeadLetters", {})).replayed;
    },
  };
}
export type LiveStore = ReturnType<typeof createLiveStore>;
