// A TCP relay between a client and a server that a test can break in the ways networks and servers fail:
// - freeze(): bytes stop flowing both ways while both sockets stay open (a hung machine, a silent drop);
// - dropReplies(): the client's bytes still reach the server, the server's answers are thrown away (a
//   request that was carried out but whose reply was lost);
// - refuse(): every relayed connection is cut, and each new one is closed as soon as it opens (a server
//   that is down; closing rather than not listening keeps the port and lets a test see the attempts);
// - recover(): relays again.
// Used by the SFU's liveness test and the API's Kafka lost-reply test (through "sfu/test-support/tcp-proxy").
import { connect, createServer, type Server, type Socket } from "node:net";

export interface Proxy {
  port: number;
  freeze(): void;
  dropReplies(): void;
  refuse(): void;
  recover(): void;
  /** Connections closed at once while refusing, and when the last one came (performance.now()). */
  readonly refused: { count: number; lastAt: number };
  close(): Promise<void>;
}

export async function startProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<Proxy> {
  const pairs = new Set<[Socket, Socket]>();
  let dropping = false;
  let refusing = false;
  const refused = { count: 0, lastAt: 0 };

  const relay = (inbound: Socket) => {
    if (refusing) {
      refused.count++;
      refused.lastAt = performance.now();
      inbound.on("error", () => {});
      inbound.destroy();
      return;
    }
    const outbound = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [inbound, outbound];
    inbound.pipe(outbound);
    if (dropping) outbound.resume();
    else outbound.pipe(inbound);
    const end = () => {
      pairs.delete(pair);
      inbound.destroy();
      outbound.destroy();
    };
    for (const socket of pair) {
      socket.on("error", end);
      socket.on("close", end);
    }
    pairs.add(pair);
  };

  const server: Server = createServer(relay);
  const cutAll = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
  return {
    port,
    refused,
    freeze() {
      for (const [a, b] of pairs) {
        a.unpipe(b);
        b.unpipe(a);
        a.pause();
        b.pause();
      }
    },
    dropReplies() {
      dropping = true;
      for (const [inbound, outbound] of pairs) {
        outbound.unpipe(inbound);
        outbound.resume(); // read and discard, so the server is never blocked by an unread socket
      }
    },
    refuse() {
      refusing = true;
      cutAll();
    },
    recover() {
      refusing = false;
      dropping = false;
    },
    close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      cutAll();
      return closed;
    },
  };
}
