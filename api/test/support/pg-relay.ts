// A TCP relay to PostgreSQL that a test puts between an API process and the machine's shared server, to
// take the store away without touching that server: cut (the port refuses, every connection is reset: a
// restart or a crash) or hang (nothing closes and nothing is answered: a frozen server or a network that
// drops packets), then restore on the same port.
import net from "node:net";

export class PgRelay {
  private server?: net.Server;
  private readonly open = new Set<net.Socket>();
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private hung = false;
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  /** Listens (again, on the same port after the first time) and relays every connection. */
  async start() {
    this.hung = false;
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server?.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** The listener closes and every connection is destroyed. */
  async cut() {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const socket of this.open) socket.destroy();
    await closed;
  }

  /** Open connections stop carrying bytes, neither side is closed, and new ones are accepted and never
   * answered: only a client's own timeouts free what waits on them. */
  hang() {
    this.hung = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream).pause();
      upstream.unpipe(client).pause();
    }
  }

  /** The hung server is gone (its connections reset) and a working one answers new connections. */
  heal() {
    for (const socket of this.open) socket.destroy();
    this.hung = false;
  }

  private accept(client: net.Socket) {
    this.track(client);
    if (this.hung) return void client.pause();
    const upstream = net.connect(this.targetPort, this.host);
    this.track(upstream);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    client.on("close", () => this.pairs.delete(pair));
    client.pipe(upstream).pipe(client);
  }

  private track(socket: net.Socket) {
    this.open.add(socket);
    socket.on("close", () => this.open.delete(socket));
    socket.on("error", () => {});
  }
}
