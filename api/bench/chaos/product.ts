// The product as production runs it: three API nodes (persister off) and one standalone persister, as child
// processes (test/support/processes.ts). A node or the persister killed by a fault is started again in its
// place, as a supervisor (systemd, Kubernetes) would; a node comes back on its own port.
import {
  type ApiProcess,
  freePort,
  type ProcessHandle,
  startApi,
  startPersister,
} from "../../test/support/processes.js";

export class Product {
  /** Processes that exited without being killed by a fault or stopped: each is a problem of the run. */
  readonly unexpectedExits: string[] = [];
  private stopping = false;

  private constructor(
    private readonly env: Record<string, string>,
    readonly ports: number[],
    readonly nodes: (ApiProcess | undefined)[],
    public persister: ProcessHandle | undefined,
  ) {}

  static async start(env: Record<string, string>, count = 3): Promise<Product> {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const product = new Product(env, ports, [], undefined);
    try {
      // The first node creates the topics; the others and the persister start together after it.
      product.nodes[0] = await product.startNode(0);
      const [persister, ...rest] = await Promise.all([
        product.startPersister(),
        ...ports.slice(1).map((_, i) => product.startNode(i + 1)),
      ]);
      product.persister = persister as ProcessHandle;
      rest.forEach((node, i) => {
        product.nodes[i + 1] = node as ApiProcess;
      });
    } catch (error) {
      await product.stop();
      throw error;
    }
    return product;
  }

  get urls() {
    return this.ports.map((p) => `http://127.0.0.1:${p}`);
  }

  private async startNode(i: number) {
    const node = await startApi({ ...this.env, NODE_ID: `api-${i + 1}`, PORT: String(this.ports[i]) }, 120_000);
    return this.watch(`api-${i + 1}`, node, () => this.nodes[i] === node);
  }

  private async startPersister() {
    const persister = await startPersister(this.env, 120_000);
    return this.watch("persister", persister, () => this.persister === persister);
  }

  /** Reports at once a process that ends while it is still the current one (not killed by us). */
  private watch<P extends ProcessHandle>(name: string, p: P, current: () => boolean): P {
    p.child.once("exit", (code, signal) => {
      if (this.stopping || !current()) return;
      const tail = p.output().trim().split("\n").slice(-20).join("\n    ");
      const what = `${name} exited by itself (${signal ?? `code ${code}`})`;
      this.unexpectedExits.push(what);
      console.error(`chaos: ${what}; its last output:\n    ${tail}`);
    });
    return p;
  }

  /** kill -9 of node i; resolves with when it was gone and when its replacement was ready. */
  async killNode(i: number) {
    const node = this.nodes[i];
    this.nodes[i] = undefined; // first, so its exit is not taken for a surprise
    await node?.kill9();
    const goneAt = performance.now();
    this.nodes[i] = await this.startNode(i);
    return { goneAt, readyAt: performance.now() };
  }

  async killPersister() {
    const persister = this.persister;
    this.persister = undefined;
    await persister?.kill9();
    const goneAt = performance.now();
    this.persister = await this.startPersister();
    return { goneAt, readyAt: performance.now() };
  }

  /** Every process still running, with the tail of its output (for a failure's report). */
  tails(lines = 15) {
    const all: [string, ProcessHandle | undefined][] = [
      ...this.nodes.map((n, i) => [`api-${i + 1}`, n] as [string, ProcessHandle | undefined]),
      ["persister", this.persister],
    ];
    return all
      .filter(([, p]) => p)
      .map(([name, p]) => `--- ${name}\n${(p as ProcessHandle).output().trim().split("\n").slice(-lines).join("\n")}`)
      .join("\n");
  }

  async stop() {
    this.stopping = true;
    await Promise.all([...this.nodes.map((n) => n?.stop()), this.persister?.stop()]);
  }
}
