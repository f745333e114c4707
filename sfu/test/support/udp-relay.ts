// A UDP relay in front of one SFU port, for a peer whose network a test can make vanish: after freeze()
// nothing passes either way, and nothing says goodbye (no DTLS close alert, no ICE).
import { createSocket, type Socket } from "node:dgram";

export type UdpRelay = { port: number; freeze(): void; close(): void };

export async function startUdpRelay(targetIp: string, targetPort: number): Promise<UdpRelay> {
  const front = createSocket("udp4");
  const upstream = new Map<string, Socket>();
  let frozen = false;
  front.on("message", (msg, from) => {
    if (frozen) return;
    const key = `${from.address}:${from.port}`;
    let back = upstream.get(key);
    if (!back) {
      const socket = createSocket("udp4");
      socket.on("message", (reply) => {
        if (!frozen) front.send(reply, from.port, from.address);
      });
      socket.bind(0, "127.0.0.1");
      upstream.set(key, socket);
      back = socket;
    }
    back.send(msg, targetPort, targetIp);
  });
  await new Promise<void>((resolve) => front.bind(0, "127.0.0.1", resolve));
  return {
    port: front.address().port,
    freeze() {
      frozen = true;
    },
    close() {
      frozen = true;
      front.close();
      for (const s of upstream.values()) s.close();
    },
  };
}
