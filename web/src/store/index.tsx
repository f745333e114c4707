// The app's state: one slice per concern (session, channels, messages, presence), combined here with the
// one socket, behind a Provider. Socket frames are routed to the slices; components call the actions.
import { createContext, createSignal, type JSX, useContext } from "solid-js";
import { createCalls } from "../calls/store";
import { FocusReporter } from "../lib/focus";
import { whenIdle } from "../lib/idle";
import { showInBrowser } from "../lib/push";
import { ChatSocket, type EventFrame, SocketError } from "../lib/socket";
import { api, read } from "../shared/http";
import { createChannels } from "./channels";
import { createMessages, type Pending } from "./messages";
import { createNotifications } from "./notifications";
import { createPins } from "./pins";
import { createPresence } from "./presence";
import { createSession, type Me } from "./session";
import { createThreads } from "./threads";

export function createAppStore() {
  const session = createSession();
  const channels = createChannels();
  const messages = createMessages();
  const presence = createPresence();
  const notifications = createNotifications();
  const threads = createThreads();
  const pins = createPins();
  /** The message being edited in place (one at a time; Up in an empty composer picks my last one). */
  const [editing, setEditing] = createSignal<string | null>(null);
  /** Per channel, the read position when it was opened: the "new messages" line sits after it. */
  const [unreadFrom, setUnreadFrom] = createSignal<Record<string, number>>({});
  /** When the socket tries again after a drop (ms since epoch), for the connection banner. */
  const [retryAt, setRetryAt] = createSignal<number | null>(null);
  /** Where a notification click leads; the signed-in shell sets it to the router's navigation. */
  let openUrl = (url: string) => location.assign(url);
  const [connection, setConnection] = createSignal<"connecting" | "online" | "offline">("connecting");
  const [ended, setEnded] = createSignal<"signedOut" | "banned" | null>(null);
  /** I set myself away (until I set myself active again). */
  const [away, setAwayState] = createSignal(false);
  /** The channel on screen that I was removed from (or left elsewhere), for the shell to say so. */
  const [lost, setLost] = createSignal<{ id: string; name: string } | null>(null);
  const inFlight = new Set<string>();
  // One timer per channel: leaving a channel must not cancel marking what was seen in it.
  const readTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const me = () => session.user()?.id ?? "";
  const calls = createCalls((type, fields) => socket.request(type, fields));

  function onFrame(frame: EventFrame) {
    if (calls.isCallFrame(frame)) return calls.onFrame(frame);
    switch (frame.type) {
      case "channelEvent": {
        const event = frame.event;
        channels.onEvent(event, me());
        messages.onEvent(event);
        calls.onChannelEvent(event);
        threads.onEvent(event);
        pins.onEvent(event);
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
      case "channelsChanged": {
        // Removed from (or left) the channel on screen: its history goes, and the shell says why.
        const active = channels.activeId();
        if (active && frame.left.includes(active)) {
          const channel = channels.byId(active);
          setLost({ id: active, name: channel?.name ?? "" });
        }
        for (const id of frame.left) {
          messages.drop(id);
          pins.drop(id);
        }
        channels.drop(frame.left);
        void channels.load();
        return;
      }
      case "notification":
        void showInBrowser(frame.notification, (url) => openUrl(url));
        return;
      case "resyncRequired":
        channels.reached(frame.channelId, frame.lastSeq);
        if (messages.isLoaded(frame.channelId)) void messages.load(me(), frame.channelId, true);
        if (pins.of(frame.channelId)) void pins.load(frame.channelId);
        return;
      default:
        return;
    }
  }

  const socket = new ChatSocket({
    positions: () => channels.positions(),
    onFrame,
    onResumed: () => {
      focus.resumed();
      void calls.resumed();
      // Presence changes while this socket was down were not heard: ask again. A new socket starts
      // online, so a chosen "away" is said again.
      void refreshPresence();
      if (away()) socket.request("setPresence", { status: "away" }).catch(() => {});
      for (const p of messages.pending) if (p.status === "sending") void deliver(p);
      const active = channels.activeId();
      if (active) scheduleRead(active);
    },
    onRetry: (at) => setRetryAt(at),
    onStatus: (s) => {
      setConnection(s);
      if (s === "offline") calls.socketLost();
      if (s === "online") setRetryAt(null);
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

  const focus = new FocusReporter(
    () => channels.activeId(),
    (channelId) => socket.request("notify.setFocus", { channelId }),
  );

  /** Who of the people we know is online now; a failure leaves the dots as they were. */
  async function refreshPresence() {
    await presence.refresh(presence.people().map((p) => p.id)).catch(() => {});
  }

  /** The user whose sidebar and socket are running, if any. */
  let startedFor: string | null = null;

  function stop() {
    startedFor = null;
    focus.stop();
    calls.stop();
    socket.stop();
    messages.forget();
    threads.forget();
  }

  function end(why: "signedOut" | "banned") {
    stop();
    session.clear();
    setEnded(why);
  }

  /** After sign-in, once per user: the sidebar first (its lastSeq are the resume positions), then the socket. */
  async function start(userId: string) {
    if (startedFor === userId) return;
    startedFor = userId;
    setEnded(null);
    await channels.load();
    const user = session.user();
    if (user) presence.learn([user, ...channels.list.flatMap((c) => c.otherMembers)]);
    messages.restorePending(userId);
    // Before the first paint: who is online now (frames keep it current once the socket is up).
    await refreshPresence();
    socket.start();
    focus.start();
    void threads.loadMine().catch(() => {});
    void notifications.start();
  }

  /** Someone signed in on this page (an accepted invite, a password set from a link): start afresh. */
  function signedIn(user: Me) {
    stop();
    setEnded(null);
    session.adopt(user);
  }

  async function logout() {
    stop();
    await session.logout();
  }

  async function deliver(p: Pending) {
    if (inFlight.has(p.clientId)) return;
    inFlight.add(p.clientId);
    messages.markPending(p.clientId, "sending");
    try {
      const r = await socket.request("sendMessage", {
        channelId: p.channelId,
        clientId: p.clientId,
        body: p.body,
        ...(p.parentId ? { parentId: p.parentId } : {}),
        ...(p.attachments?.length ? { attachments: p.attachments } : {}),
      });
      // A duplicate's event may have been seen before this tab knew the clientId was its own.
      // A duplicate is stored already: its event may lie before this socket's resume position.
      if (r.status === "duplicate" || messages.has(p.channelId, r.messageId)) messages.settle(p.clientId);
    } catch (e) {
      // No reply: it stays pending and is sent again, with the same clientId, once the socket is back.
      if (!(e instanceof SocketError && e.code === "disconnected"))
        messages.markPending(p.clientId, "failed", e instanceof Error ? e.message : String(e));
    } finally {
      inFlight.delete(p.clientId);
    }
  }

  /** Sends (a reply when `parentId` is given); the message shows as pending until its event arrives. */
  function send(channelId: string, body: string, parentId?: string, attachments?: string[]) {
    const p: Pending = {
      clientId: crypto.randomUUID(),
      channelId,
      body,
      status: "sending",
      ...(parentId ? { parentId } : {}),
      ...(attachments?.length ? { attachments } : {}),
    };
    messages.addPending(p);
    if (socket.isLive) void deliver(p);
    notifications.engaged();
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
    if (channels.activeId() !== channelId) {
      const from = channels.byId(channelId);
      if (from)
        setUnreadFrom((m) => ({
          ...m,
          [channelId]: from.unreadCount > 0 ? from.lastReadSeq : Number.MAX_SAFE_INTEGER,
        }));
    }
    channels.setActiveId(channelId);
    focus.report();
    const channel = channels.byId(channelId);
    if (channel) presence.learn(channel.otherMembers);
    // Its names and pins are read again once the channel is on screen and the page is idle: two requests
    // started in the click's task cost a switch to a cached channel ~6 ms (bench-ui.ts --profile switch).
    whenIdle(() => {
      learnNames(channelId);
      void pins.load(channelId);
    });
    await messages.load(me(), channelId);
    channels.reached(channelId, messages.lastSeq(channelId));
    scheduleRead(channelId);
  }

  const [memberLists, setMemberLists] = createSignal<Record<string, { id: string; displayName: string }[]>>({});
  const loadingMembers = new Set<string>();
  /** A channel's members for mention autocomplete, fetched once per page (and again with `fresh`). */
  function loadMembers(channelId: string, fresh = false) {
    if (loadingMembers.has(channelId) || (!fresh && memberLists()[channelId])) return;
    loadingMembers.add(channelId);
    members(channelId)
      .then(
        (list) => {
          presence.learn(list);
          setMemberLists((m) => ({ ...m, [channelId]: list }));
        },
        () => {},
      )
      .finally(() => loadingMembers.delete(channelId));
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

  /** Shows me as away (or active again) to everyone, on every socket of this tab from now on. */
  async function setAway(value: boolean) {
    setAwayState(value);
    if (socket.isLive) await socket.request("setPresence", { status: value ? "away" : "online" });
  }

  /** The DM (one person) or group DM (several) with exactly these people, opened or made; its id. */
  async function openConversation(userIds: string[]) {
    const res = await api.api.dms.$post({ json: { userIds } });
    const { channel } = await read<{ channel: { id: string } }>(res);
    await channels.load();
    return channel.id;
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
    threads,
    pins,
    loadMembers,
    membersOf: (channelId: string) => memberLists()[channelId] ?? [],
    editing,
    setEditing,
    unreadFrom: (channelId: string) => unreadFrom()[channelId] ?? Number.MAX_SAFE_INTEGER,
    retryAt,
    reconnectNow: () => socket.reconnectNow(),
    away,
    setAway,
    openConversation,
    react,
    edit,
    remove,
    session,
    channels,
    messages,
    presence,
    notifications,
    calls,
    /** Notification clicks in this tab navigate with `go` (the router's). */
    openNotificationsWith: (go: (url: string) => void) => {
      openUrl = go;
    },
    connection,
    ended,
    lost,
    dismissLost: () => setLost(null),
    start,
    signedIn,
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
  return (await read<{ members: { id: string; displayName: string; avatarUrl: string | null }[] }>(res)).members;
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
