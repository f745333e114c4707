// Steady traffic through every fault: WebSocket clients (test/support's ResilientClient, which reconnects,
// resumes from its last seq and retries a send with the same clientId until it is accepted, as the web client
// does) spread over the three nodes, each sending one message at a time into one shared channel. Each client
// knows all three nodes and moves to the next when its own refuses connections.
import { ResilientClient } from "../../test/support/resilient-client.js";

export interface Send {
  id: string;
  client: string;
  /** The client's n-th message: a client sends in this order, so its messages must be stored in it. */
  n: number;
  /** First try, and the acknowledgement (performance.now()); `at` unset while not yet accepted. */
  sentAt: number;
  at?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Traffic {
  readonly sends: Send[] = [];
  private sending = true;
  private loops: Promise<void>[] = [];

  constructor(
    readonly channelId: string,
    readonly clients: ResilientClient[],
    private readonly intervalMs: number,
  ) {}

  static async start(channelId: string, tokens: string[], urls: string[], intervalMs: number): Promise<Traffic> {
    // Client i starts on node i % 3, and lists the others after it.
    const clients = tokens.map(
      (token, i) =>
        new ResilientClient(
          `c${i}`,
          urls.map((_, k) => urls[(i + k) % urls.length] as string),
          token,
          channelId,
        ),
    );
    await Promise.all(clients.map((c) => c.start()));
    const traffic = new Traffic(channelId, clients, intervalMs);
    traffic.loops = clients.map((c) => traffic.loop(c));
    return traffic;
  }

  private async loop(client: ResilientClient) {
    // Spread the clients' sends over the interval.
    await sleep(Math.random() * this.intervalMs);
    for (let n = 0; this.sending; n++) {
      const send: Send = { id: `${client.name}-${n}`, client: client.name, n, sentAt: performance.now() };
      this.sends.push(send);
      try {
        send.at = await client.send(send.id, `${send.id} steady`);
      } catch (error) {
        if (this.sending) throw error;
        return; // closed while sending (the run is being stopped)
      }
      await sleep(this.intervalMs);
    }
  }

  /** When every client has received message `id` (undefined while one has not). */
  deliveredEverywhere(id: string): number | undefined {
    let last = 0;
    for (const c of this.clients) {
      const at = c.delivered.get(id);
      if (at === undefined) return undefined;
      last = Math.max(last, at);
    }
    return last;
  }

  /** Stops sending; resolves once every client's last send was accepted. */
  async stopSending() {
    this.sending = false;
    await Promise.all(this.loops);
  }

  close() {
    this.sending = false;
    for (const c of this.clients) c.stop();
  }
}
