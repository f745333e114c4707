// This API node's links to the SFUs in SFU_URLS: opened at start-up and kept open (reconnecting with
// backoff), so calls turn on as soon as an SFU answers (bash ops/start starts one once its worker is
// built) and an SFU's end-of-call news reaches the node even when none of its users is in a call.
// Each link knows which SFU process it reaches (instanceId): when a link breaks, one reconnect tells
// whether that process lives on (it only dropped this node's peers) or is gone (with its calls).
import { SfuClient } from "sfu/client";
import type { SfuEventFrame, SfuRosterFrame } from "sfu/protocol";
import { AppError } from "../errors.js";
import type { Logger } from "../lib/logger.js";

/** off: no SFU_URLS; connecting: none answered yet since start; ready: one answers; unavailable: none any more. */
export type Availability = "off" | "connecting" | "ready" | "unavailable";

export type SfuNodesHooks = {
  onEvent(url: string, frame: SfuEventFrame): void;
  onRoster(frame: SfuRosterFrame): void;
  /** A link to SFU process `instanceId` opened (at start, or after a loss). */
  onConnected(url: string, instanceId: string): Promise<void>;
  /** The link to a process that lives on broke: it dropped this node's peers. */
  onDropped(url: string, instanceId: string): void;
  /** The process is gone (it does not answer, or another one answers at its address): so are its calls. */
  onGone(url: string, instanceId: string): Promise<void>;
  onAvailability(state: Availability): void;
};

export type SfuNodesOptions = { urls: string[]; secret: string; nodeId: string; logger: Logger } & SfuNodesHooks;

type Node = {
  url: string;
  client?: SfuClient;
  instanceId?: string;
  connecting?: Promise<SfuClient>;
  retry?: NodeJS.Timeout;
  attempt: number;
  everConnected: boolean;
};

const MAX_RETRY_MS = 5000;

export const unavailable = (why: string) =>
  new AppError(503, "sfu_unavailable", `The call server is unavailable (${why}); try again shortly.`);

export class SfuNodes {
  private readonly nodes: Node[];
  private closed = false;
  private state: Availability;

  constructor(private readonly options: SfuNodesOptions) {
    this.nodes = options.urls.map((url) => ({ url, attempt: 0, everConnected: false }));
    this.state = options.urls.length === 0 ? "off" : "connecting";
  }

  /** Connects to every SFU in the background; each keeps retrying until it answers. */
  start() {
    for (const node of this.nodes) void this.connect(node).catch(() => this.retryLater(node));
  }

  get availability(): Availability {
    return this.state;
  }

  private updateAvailability() {
    const next: Availability =
      this.nodes.length === 0
        ? "off"
        : this.nodes.some((n) => n.client?.isOpen)
          ? "ready"
          : this.nodes.some((n) => n.everConnected)
            ? "unavailable"
            : "connecting";
    if (next === this.state) return;
    this.state = next;
    this.options.logger.info({ calls: next }, "calls availability changed");
    this.options.onAvailability(next);
  }

  private connect(node: Node): Promise<SfuClient> {
    if (node.client?.isOpen) return Promise.resolve(node.client);
    if (node.connecting) return node.connecting;
    const { secret, nodeId, logger } = this.options;
    const pending = (async () => {
      const client = await SfuClient.connect({
        url: node.url,
        secret,
        nodeId,
        listen: (c) => {
          c.on("event", (frame) => this.options.onEvent(node.url, frame));
          c.on("roster", (frame) => this.options.onRoster(frame));
        },
      });
      let instanceId: string;
      try {
        ({ instanceId } = await client.request("nodeInfo", {}, {}));
      } catch (error) {
        client.close();
        throw error;
      }
      const before = node.instanceId;
      node.client = client;
      node.instanceId = instanceId;
      node.attempt = 0;
      node.everConnected = true;
      client.once("close", (reason) => void this.lost(node, client, reason));
      logger.info({ sfu: node.url, instanceId }, "connected to the SFU");
      if (before && before !== instanceId) await this.options.onGone(node.url, before);
      await this.options.onConnected(node.url, instanceId);
      this.updateAvailability();
      return client;
    })().finally(() => {
      node.connecting = undefined;
    });
    node.connecting = pending;
    return pending;
  }

  private async lost(node: Node, client: SfuClient, reason: string) {
    if (node.client !== client) return;
    node.client = undefined;
    this.updateAvailability();
    if (this.closed) return;
    const instanceId = node.instanceId as string;
    this.options.logger.warn({ sfu: node.url, instanceId, reason }, "lost the SFU; reconnecting");
    try {
      await this.connect(node);
      if (node.instanceId === instanceId) this.options.onDropped(node.url, instanceId);
    } catch (error) {
      this.options.logger.error({ sfu: node.url, instanceId, err: error }, "the SFU is gone, and its calls with it");
      await this.options.onGone(node.url, instanceId);
      this.retryLater(node);
    }
  }

  private retryLater(node: Node) {
    if (this.closed || node.retry) return;
    const delay = Math.min(MAX_RETRY_MS, 500 * 2 ** node.attempt++);
    node.retry = setTimeout(() => {
      node.retry = undefined;
      this.connect(node).catch(() => this.retryLater(node));
    }, delay);
    node.retry.unref();
  }

  /** The SFU process last reached at `url`. */
  instanceAt(url: string): string | undefined {
    return this.nodes.find((n) => n.url === url)?.instanceId;
  }

  /** The open link to `url`, connecting now if there is none. */
  async client(url: string): Promise<SfuClient> {
    const node = this.nodes.find((n) => n.url === url);
    if (!node) throw unavailable(`${url} is not one of SFU_URLS`);
    try {
      return await this.connect(node);
    } catch (error) {
      this.retryLater(node);
      throw unavailable(error instanceof Error ? error.message : String(error));
    }
  }

  /** Each SFU's workers, calls, participants and consumers, or `up: false` when it does not answer now. */
  async infos() {
    return Promise.all(
      this.nodes.map(async (node) => {
        if (!node.client?.isOpen) return { url: node.url, up: false };
        try {
          const info = await node.client.request("nodeInfo", {}, {});
          const { nodeId, workers, calls, peers: participants, consumers } = info;
          return { url: node.url, up: true, nodeId, workers, calls, participants, consumers };
        } catch {
          return { url: node.url, up: false };
        }
      }),
    );
  }

  /** The SFU for a new call: of those that answer, the one with the fewest participants. */
  async pick(): Promise<{ url: string; instanceId: string }> {
    const loads = await Promise.all(
      this.nodes.map(async (node) => {
        try {
          const info = await (await this.client(node.url)).request("nodeInfo", {}, {});
          return { url: node.url, instanceId: info.instanceId, peers: info.peers };
        } catch {
          return undefined;
        }
      }),
    );
    const best = loads.filter((l) => l !== undefined).sort((a, b) => a.peers - b.peers)[0];
    if (!best && this.state === "connecting") {
      // Never answered since start: bash ops/start may still be building the SFU's worker.
      throw new AppError(
        503,
        "sfu_unavailable",
        "Calls are getting ready (the call server is starting); try again in a minute.",
      );
    }
    if (!best) throw unavailable(`none of ${this.nodes.length} SFU(s) answers`);
    return { url: best.url, instanceId: best.instanceId };
  }

  close() {
    this.closed = true;
    for (const node of this.nodes) {
      clearTimeout(node.retry);
      node.client?.close();
    }
  }
}
