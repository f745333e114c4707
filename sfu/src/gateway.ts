// The internal channel's door: an HTTP server whose only WebSocket path is SFU_PATH. It checks the shared
// secret and the protocol version before upgrading; everything after the handshake belongs to a Link.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import type { Calls } from "./calls.js";
import { Link } from "./link.js";
import { SFU_PATH, SFU_PROTOCOL_VERSION } from "./protocol.js";

/** Request frames are small (SDP-sized at most); anything bigger is a mistake or an attack. */
const MAX_FRAME_BYTES = 256 * 1024;

const digest = (s: string) => createHash("sha256").update(s).digest();

function refuse(socket: Duplex, status: number, reason: string) {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function startGateway(calls: Calls, log: Logger): Promise<Server> {
  const { SFU_HOST: host, SFU_PORT: port, SFU_SECRET: secret } = calls.config;
  const expected = digest(`Bearer ${secret}`);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const server = createServer((req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(calls.nodeInfo()));
      return;
    }
    res.writeHead(404).end();
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://sfu");
    if (url.pathname !== SFU_PATH) return refuse(socket, 404, "Not Found");
    // Compare digests, so the comparison takes the same time whatever the given header's length.
    if (!timingSafeEqual(digest(req.headers.authorization ?? ""), expected)) {
      log.warn({ from: req.socket.remoteAddress }, "refused an API node: wrong SFU_SECRET");
      return refuse(socket, 401, "Unauthorized");
    }
    const version = req.headers["x-parley-sfu-protocol"];
    if (version !== SFU_PROTOCOL_VERSION) {
      log.warn({ from: req.socket.remoteAddress, version }, "refused an API node: other protocol version");
      return refuse(socket, 409, "Conflict");
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const id = String(req.headers["x-parley-node"] ?? randomUUID()).slice(0, 100);
      new Link(`${id}#${randomUUID().slice(0, 8)}`, ws, calls, log);
      log.info({ link: id, from: req.socket.remoteAddress }, "API node connected");
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
