// The app's state: one slice per concern (session, channels, messages, presence), combined here with the
// one socket, behind a Provider. Socket frames are routed to the slices; components call the actions.
import { createContext, createSignal, type JSX, useContext } from "solid-js";
import { api, read } from "../lib/api";
import { ChatSocket, type EventFrame, SocketError } from "../lib/socket";
import { createChannels } from "./channels";
import { createMessages, type Pending } from "./messages";
import { createPresence } from "./presence";
import { createSession } from "./session";

export function createAppStore() {
  const session = createSession();
  const channels = createChannels();
  const messages = createMessages();
  const presence = createPresence();
  const [connection, setConnection] = createSignal<"connecting" | "online" | "offline">("connecting");
  const [ended, setEnded] = createSignal<"signedOut" | "banned" | null>(null);
  const inFlight = new Set<string>();
  // One timer per channel: leaving a channel must not cancel marking what was seen in it.
  const readTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const me = () => session.user()?.id ?? "";

  function onFrame(frame: EventFrame) {
    switch (frame.type) {
      case "channelEvent": {
        const event = frame.event;
        channels.onEvent(event, me());
        messages.onEvent(event);
        if (event.type === "messageCreated") {
          presence.stopTyping(event.channelId, event.actorId);
          learnNames(event.channelId, [event.actorId, ...(event.data.mentions?.userIds ?? [])]);
        }
        if (event.channelId === channels.activeId()) scheduleRead(event.channelId);
        return;
      }
      case "typing":
        presence.onTyping(frame.channelId, frame.userId);
        return;
      case "presence":
        presence.setStatus(frame.userId, frame.status);
        return;
      case "readState":
        channels.onRead(frame.channelId, frame.seq);
        return;
      case "channelsChanged":
        void channels.load();
        return;
      case "resyncRequired":
        channels.reached(frame.channelId, frame.lastSeq);
        if (messages.isLoaded(frame.channelId)) void messages.load(me(), frame.channelId, true);
        return;
      default:
        return;
    }
  }

  const socket = new ChatSocket({
    positions: () => channels.positions(),
    onFrame,
    onResumed: () => {
      for (const p of messages.pending) if (p.status === "sending") void deliver(p);
      const active = channels.activeId();
      if (active) scheduleRead(active);
    },
    onStatus: (s) => {
      setConnection(s);
      // A refused upgrade looks like a dropped connection (1006): ask HTTP whether we are still signed in.
      if (s === "offline")
        void session
          .load()
          .then((user) => {
            if (!user) end(session.banned() ? "banned" : "signedOut");
          })
          .catch(() => {});
    },
    onEnded: (code) => {
      if (code === 4003) void session.load().catch(() => {});
      end(code === 4003 ? "banned" : "signedOut");
    },
  });

  function end(why: "signedOut" | "banned") {
    socket.stop();
    messages.forget();
    session.clear();
    setEnded(why);
  }

  /** After sign-in: the sidebar first (its lastSeq are the resume positions), then the socket. */
  async function start() {
    setEnded(null);
    await channels.load();
    const user = session.user();
    if (user) presence.learn([user, ...channels.list.flatMap((c) => c.otherMembers)]);
    socket.start();
  }

  async function logout() {
    socket.stop();
    messages.forget();
    await session.logout();
  }

  async function deliver(p: Pending) {
    if (inFlight.has(p.clientId)) return;
    inFlight.add(p.clientId);
    messages.markPending(p.clientId, "sending");
    try {
      const r = await socket.request("sendMessage", { channelId: p.channelId, clientId: p.clientId, body: p.body });
      // A duplicate's event may have been seen before this tab knew the clientId was its own.
      if (messages.has(p.channelId, r.messageId)) messages.settle(p.clientId);
    } catch (e) {
      // No reply: it stays pending and is sent again, with the same clientId, once the socket is back.
      if (!(e instanceof SocketError && e.code === "disconnected"))
        messages.markPending(p.clientId, "failed", e instanceof Error ? e.message : String(e));
    } finally {
      inFlight.delete(p.clientId);
    }
  }

  function send(channelId: string, body: string) {
    const p: Pending = { clientId: crypto.randomUUID(), channelId, body, status: "sending" };
    messages.addPending(p);
    if (socket.isLive) void deliver(p);
  }

  function retry(clientId: string) {
    const p = messages.pending.find((x) => x.clientId === clientId);
    if (p) void deliver({ ...p });
  }

  let lastTyping = 0;
  function typing(channelId: string) {
    if (Date.now() - lastTyping < 3000 || !socket.isLive) return;
    lastTyping = Date.now();
    socket.request("typing", { channelId }).catch(() => {});
  }

  function scheduleRead(channelId: string) {
    clearTimeout(readTimers.get(channelId));
    readTimers.set(
      channelId,
      setTimeout(() => {
        readTimers.delete(channelId);
        markRead(channelId);
      }, 300),
    );
  }

  /** Marks the viewed channel read up to its newest seq. */
  function markRead(channelId: string) {
    const channel = channels.byId(channelId);
    if (!channel || document.visibilityState !== "visible") return;
    const seq = Math.max(channel.lastSeq, messages.lastSeq(channelId));
    if (channel.unreadCount === 0 && seq <= channel.lastReadSeq) return;
    channels.onRead(channelId, seq);
    if (socket.isLive) socket.request("markRead", { channelId, seq }).catch(() => {});
  }

  /** Opens a channel: its history, then read. */
  async function open(channelId: string) {
    channels.setActiveId(channelId);
    const channel = channels.byId(channelId);
    if (channel) presence.learn(channel.otherMembers);
    learnNames(channelId);
    await messages.load(me(), channelId);
    channels.reached(channelId, messages.lastSeq(channelId));
    scheduleRead(channelId);
  }

  const naming = new Set<string>();
  /** Fetches a channel's member names when some of `ids` (or, without ids, any) are not known yet. */
  function learnNames(channelId: string, ids?: string[]) {
    if (naming.has(channelId) || ids?.every((id) => presence.name(id))) return;
    naming.add(channelId);
    members(channelId)
      .then(presence.learn, () => {})
      .finally(() => naming.delete(channelId));
  }

  function react(messageId: string, emoji: string) {
    if (socket.isLive) socket.request("toggleReaction", { messageId, emoji }).catch(() => {});
  }

  /** Edits or deletes my message; the change shows when its event arrives, like everyone else's. */
  async function edit(messageId: string, body: string) {
    await socket.request("editMessage", { messageId, body });
  }
  async function remove(messageId: string) {
    await socket.request("deleteMessage", { messageId });
  }

  return {
    react,
    edit,
    remove,
    session,
    channels,
    messages,
    presence,
    connection,
    ended,
    start,
    logout,
    send,
    retry,
    typing,
    open,
    markRead,
    /** For tests and debugging: drop the socket as a network failure would. */
    dropSocket: () => socket.drop(),
  };
}
async function members(channelId: string) {
  const res = await api.api.channels[":id"].members.$get({ param: { id: channelId }, query: { limit: "500" } });
  return (await read<{ members: { id: string; displayName: string }[] }>(res)).members;
}

export type AppStore = ReturnType<typeof createAppStore>;

const StoreContext = createContext<AppStore>();

export function StoreProvider(props: { store: AppStore; children: JSX.Element }) {
  return <StoreContext.Provider value={props.store}>{props.children}</StoreContext.Provider>;
}

export function useStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useStore outside StoreProvider");
  return store;
}
