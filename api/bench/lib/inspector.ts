// A minimal client of the V8 inspector of a node started with --inspect=127.0.0.1:0, so the suite can
// force a garbage collection and read process.memoryUsage() inside the API node: memory per socket is
// then live memory, not garbage the collector had not got to yet.
import WebSocket from "ws";
import type { NodeProcess } from "./processes.js";

export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export class Inspector {
  private nextId = 1;
  private readonly waiting = new Map<number, (result: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.waiting.get(message.id)?.(message.result);
    });
  }

  /** Connects to the inspector the node announced on stderr ("Debugger listening on ws://…"). */
  static async attach(node: NodeProcess): Promise<Inspector> {
    const url = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(node.output())?.[1];
    if (!url) throw new Error(`${node.name} announced no inspector`);
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    return new Inspector(ws);
  }

  private call(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The node's own memory figures as they are (no GC forced): what an operator sees. */
  async memory(): Promise<MemoryUsage> {
    const result = (await this.call("Runtime.evaluate", {
      expression: "JSON.stringify(process.memoryUsage())",
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(result.result.value) as MemoryUsage;
  }

  /** Full GC, then the node's own memory figures. */
  async memoryAfterGc(): Promise<MemoryUsage> {
    await this.call("HeapProfiler.enable");
    await this.call("HeapProfiler.collectGarbage");
    await this.call("HeapProfiler.collectGarbage");
    const result = (await this.call("Runtime.evaluate", {
      expression: "JSON.stringify(process.memoryUsage())",
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(result.result.value) as MemoryUsage;
  }

  close() {
    this.ws.close();
  }
}
