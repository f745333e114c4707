// A raw chat socket for fuzzing: sends anything (text, bytes as a text frame, binary) one frame at a time and
// waits for the server's answer to it (a reply, or an error frame when the frame had no usable id) or for the
// socket to close. Events the server pushes meanwhile are ignored.
import WebSocket from "ws";
import { SESSION_COOKIE } from "../../src/middleware/session/index.js";

export interface AnswerFrame {
  type: "reply" | "error";
  id?: string;
  ok?: boolean;
  result?: unknown;
  error?: { code: unknown; message: unknown };
}

export type Outcome = { kind: "answer"; frame: AnswerFrame } | { kind: "closed"; code: number };

export class FuzzSocket {
  private waiting: ((outcome: Outcome) => void) | null = null;
  closeCode: number | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as AnswerFrame;
      if (frame.type !== "reply" && frame.type !== "error") return;
      const waiting = this.waiting;
      this.waiting = null;
      if (!waiting) throw new Error(`an answer nobody asked for: ${String(data).slice(0, 200)}`);
      waiting({ kind: "answer", frame });
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      this.waiting?.({ kind: "closed", code });
      this.waiting = null;
    });
    ws.on("error", () => {}); // the close that follows says what happened
  }

  static async connect(baseUrl: string, token: string): Promise<FuzzSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws`, {
      headers: { cookie: `${SESSION_COOKIE}=${token}` },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once("error", reject);
    });
    return new FuzzSocket(ws);
  }

  get open() {
    return this.closeCode === null;
  }

  /** Sends one frame: text, bytes in a text frame (`binary: false`, so not necessarily UTF-8), or binary. */
  send(data: string | Buffer, options: { binary?: boolean } = {}, timeoutMs = 15_000): Promise<Outcome> {
    if (this.waiting) throw new Error("one frame at a time");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`no answer and no close within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      this.ws.send(data, { binary: options.binary ?? false });
    });
  }

  close() {
    this.ws.close();
  }
}
