// This API node's connections to the SFUs in SFU_URLS: opened on first use, reopened on the next use after
// a loss. Every SFU's events come through here, and so does the news that one was lost.
import { SfuClient } from "sfu/client";
import type { SfuEventFrame } from "sfu/protocol";
import { AppError } from "../errors.js";
import type { Logger } from "../lib/logger.js";

export type SfuNodesOptions = {
  urls: string[];
  secret: string;
  nodeId: string;
  logger: Logger;
  onEvent(frame: SfuEventFrame): void;
  onLost(url: string): void;
};

const unavailable = (why: string) =>
  new AppError(503, "sfu_unavailable", `The call server is unavailable (${why}); try again shortly.`);

export class SfuNodes {
  private readonly clients = new Map<string, Promise<SfuClient>>();

  constructor(private readonly options: SfuNodesOptions) {}

  async client(url: string): Promise<SfuClient> {
    const existing = this.clients.get(url);
    if (existing) {
      const client = await existing.catch(() => undefined);
      if (client?.isOpen) return client;
    }
    const { secret, nodeId, logger } = this.options;
    const pending = SfuClient.connect({ url, secret, nodeId }).then((client) => {
      client.on("event", (frame) => this.options.onEvent(frame));
      client.once("close", (reason) => {
        logger.warn({ sfu: url, reason }, "lost the SFU");
        if (this.clients.get(url) === pending) this.clients.delete(url);
        this.options.onLost(url);
      });
      logger.info({ sfu: url }, "connected to the SFU");
      return client;
    });
    this.clients.set(url, pending);
    try {
      return await pending;
    } catch (error) {
      if (this.clients.get(url) === pending) this.clients.delete(url);
      logger.error({ sfu: url, err: error }, "cannot reach the SFU");
      throw unavailable(error instanceof Error ? error.message : String(error));
    }
  }

  /** The SFU for a new call: of those that answer, the one with the fewest participants. */
  async pick(): Promise<string> {
    const loads = await Promise.all(
      this.options.urls.map(async (url) => {
        try {
          const info = await (await this.client(url)).request("nodeInfo", {}, {});
          return { url, peers: info.peers };
        } catch {
          return undefined;
        }
      }),
    );
    const best = loads.filter((l) => l !== undefined).sort((a, b) => a.peers - b.peers)[0];
    if (!best) throw unavailable(`none of ${this.options.urls.length} SFU(s) answers`);
    return best.url;
  }

  async close() {
    for (const pending of this.clients.values()) (await pending.catch(() => undefined))?.close();
    this.clients.clear();
  }
}
