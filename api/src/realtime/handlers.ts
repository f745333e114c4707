// The socket's request registry. Each capability exports the handlers for its frames (messages/socket.ts,
// presence/socket.ts, …); connection.ts looks them up by frame type. Handlers know no WebSocket.
import type { SessionUser } from "../accounts/sessions.js";
import type { Services } from "../services.js";
import type { ClientRequestType, RequestOf, RequestResults, ServerFrame } from "./protocol.js";

export interface SocketContext {
  services: Services;
  user: SessionUser;
  sessionId: string;
  connectionId: string;
  /** Sends a server event to this socket only. */
  send(frame: ServerFrame): void;
  /** Starts channel events on this socket: replays from each position, then live (once per socket). */
  resume(
    positions: Record<string, number>,
    memberOf: Map<string, number>,
  ): Promise<{ channelId: string; fromSeq: number; toSeq: number; resync: boolean }[]>;
  /** Replays a channel's events after `fromSeq` to this socket, then keeps it live. */
  resumeChannel(channelId: string, fromSeq: number): Promise<{ toSeq: number; resync: boolean }>;
  /** The socket is closed (or closing): nothing sent reaches it any more. */
  isClosed(): boolean;
  /** Channels this socket receives events for (the user's memberships). */
  channels(): ReadonlySet<string>;
}

/** One frame's place in its socket's order (connection.ts onMessage). */
export interface FrameTurn {
  /** Lets the socket's next frame start: call it once this request's event is queued for the log, so
   * nothing later can overtake it. Called anyway when the handler ends. */
  appending(): void;
  /** Settles once every earlier frame of the socket has had its reply. */
  previous: Promise<void>;
}

export type Handler<T extends ClientRequestType> = (
  ctx: SocketContext,
  request: RequestOf<T>,
  turn: FrameTurn,
) => Promise<RequestResults[T]>;

export type HandlerMap = { [K in ClientRequestType]?: Handler<K> };
