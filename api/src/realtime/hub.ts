// Everything socket-related one API node holds: its connections, the bus fan-outs they listen through,
// and the request handlers of every capability. One per process.
import { socketConnections } from "../lib/metrics.js";
import { sampleDeliveryLatency } from "../ops/node-stats.js";
import { SocketCounts } from "../quotas/socket-counts.js";
import type { Services } from "../services.js";
import type { Bus } from "./bus.js";
import { storedPositions } from "./channel-cursor.js";
import { type ChannelEvent, channelTopic } from "./channel-events.js";
import type { Connection } from "./connection.js";
import { type AccessChange, type UserControl, userTopic } from "./control.js";
import { type Ephemeral, ephemeralTopic } from "./ephemeral.js";
import { Fanout, type Listener } from "./fanout.js";
import type { HandlerMap } from "./handlers.js";
import { PresenceCopies, type PresenceCopy } from "./presence-copies.js";

export interface PresenceHooks {
  connected(connection: Connection): Promise<void>;
  heartbeat(connection: Connection): Promise<void>;
  disconnected(connection: Connection): Promise<void>;
}

/** A committed channel event and its frame, encoded once per node for every socket. */
export interface ChannelDelivery {
  event: ChannelEvent;
  frame: Buffer;
}

/** Typing or presence and its frame; `copy` says where this presence change already went (presence-copies.ts). */
export interface EphemeralDelivery {
  signal: Ephemeral;
  frame: Buffer;
  copy: PresenceCopy | null;
}

export type AccessListener = (connection: Connection, change: AccessChange) => Promise<void> | void;

interface ConnectionListeners {
  channel: Listener<ChannelDelivery>;
  ephemeral: Listener<EphemeralDelivery>;
  control: Listener<UserControl>;
}

function parse<T>(payload: string): T | null {
  try {
    return JSON.parse(payload) as T;
  } catch {
    return null;
  }
}

const EPHEMERAL_PREFIX = ephemeralTopic("");

export class Hub {
  readonly connections = new Set<Connection>();
  private readonly listeners = new WeakMap<Connection, ConnectionListeners>();
  private readonly channels: Fanout<ChannelDelivery>;
  private readonly ephemeral: Fanout<EphemeralDelivery>;
  private readonly control: Fanout<UserControl>;
  private readonly presenceCopies = new PresenceCopies();
  private readonly accessListeners: AccessListener[] = [];
  /** Open sockets by user and by address across nodes (quotas/socket-counts.ts). */
  readonly sockets: SocketCounts;
  presence?: PresenceHooks;
  /** Set by the drain (drain.ts): the gateway refuses new sockets, /readyz answers 503. */
  draining = false;

  constructor(
    bus: Bus,
    readonly handlers: HandlerMap,
    private readonly services: Services,
  ) {
    // The committed event is wrapped, not re-serialized: the bus payload is already its JSON.
    this.channels = new Fanout<ChannelDelivery>(bus, (payload) => {
      const event = parse<ChannelEvent>(payload);
      if (event?.type === "messageCreated") sampleDeliveryLatency(Date.now() - Date.parse(event.at));
      return event && { event, frame: Buffer.from(`{"type":"channelEvent","event":${payload}}`) };
    });
    this.ephemeral = new Fanout(bus, (payload, topic) => this.decodeEphemeral(payload, topic));
    this.control = new Fanout(bus, (payload) => parse<UserControl>(payload));
    this.sockets = new SocketCounts(services.kv, services.config, services.logger);
    // Subscriptions re-made (Redis restarted, a cluster shard failed over): what was announced in between
    // never came. Once at once and once a second later, as the new subscriptions may still be on their way.
    bus.onResubscribed(() => {
      void this.catchUpAll();
      setTimeout(() => void this.catchUpAll(), 1000).unref();
    });
  }

  /** Every local socket that is behind its channel's stored position reads the rest from the store. */
  async catchUpAll() {
    const channelIds = new Set<string>();
    for (const connection of this.connections) for (const id of connection.context.channels()) channelIds.add(id);
    if (channelIds.size === 0) return;
    try {
      const stored = await storedPositions(this.services.sql, [...channelIds]);
      for (const connection of this.connections) connection.catchUpBehind(stored);
    } catch (err) {
      this.services.logger.warn({ err }, "catching up after the bus resubscribed failed");
    }
  }

  private decodeEphemeral(payload: string, topic: string): EphemeralDelivery | null {
    const signal = parse<Ephemeral>(payload);
    if (!signal) return null;
    let copy: PresenceCopy | null = null;
    if (signal.type === "presence") {
      copy = this.presenceCopies.admit(signal, topic.slice(EPHEMERAL_PREFIX.length));
      if (!copy) return null;
    }
    return { signal, frame: Buffer.from(payload), copy };
  }

  async attach(connection: Connection) {
    const listeners: ConnectionListeners = {
      channel: (delivery) => connection.onChannelEvent(delivery),
      ephemeral: (delivery) => connection.onEphemeral(delivery),
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
    connection.claim?.release();
    socketConnections.set(this.connections.size);
    if (!listeners) return;
    for (const channelId of channelIds) await this.unwatchChannel(connection, channelId);
    // Draining, the bus closes with the node: its subscriptions are not undone one by one (fanout.ts).
    await this.control.remove(userTopic(connection.userId), listeners.control, { keepSubscription: this.draining });
    // Draining, the socket stays in presence until presence.shutdown() announces all of the node's sockets
    // as one batch after the last close: one socket at a time, 20,000 leaves fell behind the closes and were
    // cut off at shutdown's wait (BENCHMARKS.md §8); and a user who reconnects to another node meanwhile is
    // found online there, so nobody is shown offline and back again.
    if (this.draining) return;
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
      this.channels.remove(channelTopic(channelId), listeners.channel, { keepSubscription: this.draining }),
      this.ephemeral.remove(ephemeralTopic(channelId), listeners.ephemeral, { keepSubscription: this.draining }),
    ]);
  }

  /** Hears every change of a local socket's access (control.ts AccessChange), e.g. to leave a call. */
  onAccessChanged(listener: AccessListener) {
    this.accessListeners.push(listener);
  }

  async accessChanged(connection: Connection, change: AccessChange) {
    for (const listener of this.accessListeners) {
      try {
        await listener(connection, change);
      } catch (err) {
        this.services.logger.warn({ err, change: change.kind }, "an access listener failed");
      }
    }
  }

  async heartbeat(connection: Connection) {
    await this.presence
      ?.heartbeat(connection)
      .catch((err) => this.services.logger.warn({ err }, "presence heartbeat failed"));
  }
}
