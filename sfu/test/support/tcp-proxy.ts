// A TCP relay between a client and a server that a test can freeze: bytes stop flowing both ways while
// both sockets stay open, as when a machine hangs or its network silently drops.
import { connect, createServer, type Server, type Socket } from "node:net";

export type Proxy = { port: number; freeze(): void; close(): Promise<void> };

export function startProxy(targetPort: number): Promise<Proxy> {
  const pairs: [Socket, Socket][] = [];
  const server: Server = createServer((inbound) => {
    const outbound = connect(targetPort, "127.0.0.1");
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on("error", end);
    outbound.on("error", end);
    inbound.on("close", end);
    outbound.on("close", end);
    pairs.push([inbound, outbound]);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({
        port,
        freeze() {
          for (const [a, b] of pairs) {
            a.unpipe(b);
            b.unpipe(a);
            a.pause();
            b.pause();
          }
        },
        close: () =>
          new Promise((done) => {
            for (const [a, b] of pairs) {
              a.destroy();
              b.destroy();
            }
            server.close(() => done());
          }),
      });
    });
  });
}
