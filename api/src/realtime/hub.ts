// Everything socket-related one API node holds: its connections, the bus fan-outs they listen through,
// and the request handlers of every capability. One per process.
import { socketConnections } from "../lib/metrics.js";
import type { Services } from "../services.js";
import type { Bus } from "./bus.js";
import { type ChannelEvent, channelTopic } from "./channel-events.js";
import type { Connection } from "./connection.js";
import { type UserControl, userTopic } from "./control.js";
import { type Ephemeral, ephemeralTopic } from "./ephemeral.js";
import { Fanout, type Listener } from "./fanout.js";
import type { HandlerMap } from "./handlers.js";

export interface PresenceHooks {
  connected(connection: Connection): Promise<void>;
  heartbeat(connection: Connection): Promise<void>;
  disconnected(connection: Connection): Promise<void>;
}

interface ConnectionListeners {
  channel: Listener<ChannelEvent>;
  ephemeral: Listener<Ephemeral>;
  control: Listener<UserControl>;
}

function decodeWithFrame<T>(payload: string, toFrame: (message: T) => string) {
  try {
    const message = JSON.parse(payload) as T;
    return { message, frame: toFrame(message) };
  } catch {
    return null;
  }
}

export class Hub {
  readonly connections = new Set<Connection>();
  private readonly listeners = new WeakMap<Connection, ConnectionListeners>();
  private readonly channels: Fanout<ChannelEvent>;
  private readonly ephemeral: Fanout<Ephemeral>;
  private readonly control: Fanout<UserControl>;
  presence?: PresenceHooks;

  constructor(
    bus: Bus,
    readonly handlers: HandlerMap,
    private readonly services: Services,
  ) {
    // The committed event is wrapped, not re-serialized: the bus payload is already its JSON.
    this.channels = new Fanout(bus, (payload) =>
      decodeWithFrame<ChannelEvent>(payload, () => `{"type":"channelEvent","event":${payload}}`),
    );
    this.ephemeral = new Fanout(bus, (payload) => decodeWithFrame<Ephemeral>(payload, () => payload));
    this.control = new Fanout(bus, (payload) => decodeWithFrame<UserControl>(payload, () => payload));
  }

  async attach(connection: Connection) {
    const listeners: ConnectionListeners = {
      channel: (event, frame) => connection.onChannelEvent(event, frame),
      ephemeral: (message, frame) => connection.onEphemeral(message, frame),
      control: (message) => connection.onControl(message),
    };
    this.listeners.set(connection, listeners);
    this.connections.add(connection);
    socketConnections.set(this.connections.size);
    await this.control.add(userTopic(connection.userId), listeners.control);
    await this.presence?.connected(connection);
  }

  async detach(connection: Connection, channelIds: string[]) {
    const listeners = this.listeners.get(connection);
    this.connections.delete(connection);
    socketConnections.set(this.connections.size);
    if (!listeners) return;
    for (const channelId of channelIds) await this.unwatchChannel(connection, channelId);
    await this.control.remove(userTopic(connection.userId), listeners.control);
    await this.presence
      ?.disconnected(connection)
      .catch((err) => this.services.logger.warn({ err }, "presence update failed"));
  }

  async watchChannel(connection: Connection, channelId: string) {
    const listeners = this.listeners.get(connection);
    if (!listeners) return;
    await Promise.all([
      this.channels.add(channelTopic(channelId), listeners.channel),
      this.ephemeral.add(ephemeralTopic(channelId), listeners.ephemeral),
    ]);
  }

  async unwatchChannel(connection: Connection, channelId: string) {
    const listeners = this.listeners.get(connection);
    if (!listeners) return;
    await Promise.all([
      this.channels.remove(channelTopic(channelId), listeners.channel),
      this.ephemeral.remove(ephemeralTopic(channelId), listeners.ephemeral),
    ]);
  }

  async heartbeat(connection: Connection) {
    await this.presence
      ?.heartbeat(connection)
      .catch((err) => this.services.logger.warn({ err }, "presence heartbeat failed"));
  }

  /** Closes every socket (shutdown), telling clients to reconnect elsewhere and resume. */
  closeAll(code: number, reason: string) {
    for (const connection of this.connections) connection.close(code, reason);
  }
}
