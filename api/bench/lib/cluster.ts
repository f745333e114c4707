// One scenario's running product: its private stack, a standalone persister and N API nodes (persister
// off on the nodes, as in production), optionally under --cpu-prof. stop() ends them and summarizes profiles.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { LoadPool } from "../load/pool.js";
import { mainThreadProfile, type NodeProcess, startApiNode, startPersisterNode } from "./processes.js";
import { printProfile, summarizeProfile } from "./profile.js";
import type { ProfileSummary } from "./report.js";
import { stateDir } from "./report.js";
import { type BenchStack, createStack } from "./stack.js";

export interface BenchContext {
  quick: boolean;
  profile: boolean;
  /** Load-generator processes per scenario. */
  workers: number;
  /** Extra environment for every API node and persister (`--env KEY=VALUE`), for experiments. */
  env: Record<string, string>;
}

export const log = (scenario: string, message: string) =>
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${scenario}: ${message}`);

const running = new Set<Cluster>();

/** Ends every running cluster fast (Ctrl-C): load processes, nodes, then their stacks. */
export async function abortAll() {
  await Promise.all([...running].map((c) => c.stop(5000)));
}

export class Cluster {
  nodes: NodeProcess[] = [];
  persister?: NodeProcess;
  pool?: LoadPool;
  private readonly profileDir?: string;
  private stopped = false;
  /** Measured spans by label (monotonicUs); each label gets its own profile summary, start-up none. */
  private readonly windows = new Map<string, [number, number]>();

  private constructor(
    readonly scenario: string,
    readonly stack: BenchStack,
    ctx: BenchContext,
  ) {
    if (ctx.profile) {
      this.profileDir = path.join(stateDir, "profiles", scenario);
      rmSync(this.profileDir, { recursive: true, force: true });
      mkdirSync(this.profileDir, { recursive: true });
    }
  }

  /** Where the first API node writes heap snapshots (on SIGUSR2), when asked for. */
  heapDir?: string;

  static async start(
    scenario: string,
    ctx: BenchContext,
    opts: {
      nodes: number;
      env?: Record<string, string>;
      heapSnapshots?: boolean;
      inspect?: boolean;
      /** The first node on Node's default heap limit (what an operator runs), not the suite's 8 GB. */
      plainHeap?: boolean;
      /** Every node and the persister from the production bundle (api/dist) under plain node, not tsx. */
      built?: boolean;
    },
  ) {
    const stack = await createStack(scenario, { ...opts.env, ...ctx.env });
    const cluster = new Cluster(scenario, stack, ctx);
    running.add(cluster);
    try {
      log(scenario, `starting a persister and ${opts.nodes} API node(s) on database ${stack.name}`);
      // The first node creates the topics and runs migrations; the rest start together.
      if (opts.heapSnapshots && cluster.profileDir) {
        cluster.heapDir = path.join(cluster.profileDir, "heap");
        mkdirSync(cluster.heapDir, { recursive: true });
      }
      const firstArgs = [
        ...(cluster.heapDir ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${cluster.heapDir}`] : []),
        ...(opts.inspect ? ["--inspect=127.0.0.1:0"] : []),
      ];
      const run = { profileDir: cluster.profileDir, built: opts.built };
      cluster.nodes.push(
        await startApiNode("api-1", stack.env, { ...run, nodeArgs: firstArgs, defaultHeap: opts.plainHeap }),
      );
      const [persister, ...more] = await Promise.all([
        startPersisterNode(stack.env, run),
        ...Array.from({ length: opts.nodes - 1 }, (_, i) => startApiNode(`api-${i + 2}`, stack.env, run)),
      ]);
      cluster.persister = persister;
      cluster.nodes.push(...more);
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Marks a measured span ("<scenario>: <what>"); spans with one label are summarized together. */
  noteWindow(label: string, from: number, to: number) {
    const known = this.windows.get(label);
    this.windows.set(label, known ? [Math.min(known[0], from), Math.max(known[1], to)] : [from, to]);
  }

  get api() {
    return this.nodes[0] as NodeProcess;
  }

  loadPool(workers: number) {
    this.pool ??= new LoadPool(workers);
    return this.pool;
  }

  /**
   * Stops load, nodes and persister, drops the stack; returns the CPU profiles' summaries (if profiling),
   * one per process and measured span, keyed "<span label> — <process>".
   */
  async stop(graceMs?: number): Promise<Record<string, ProfileSummary> | undefined> {
    if (this.stopped) return undefined;
    this.stopped = true;
    running.delete(this);
    await this.pool?.close();
    // A profile is written only on a clean exit: give profiled nodes time to close their sockets.
    const grace = graceMs ?? (this.profileDir ? 300_000 : 30_000);
    await Promise.all([...this.nodes, this.persister].map((p) => p?.stop(grace)));
    await this.stack.cleanup();
    if (!this.profileDir) return undefined;
    const summaries: Record<string, ProfileSummary> = {};
    for (const p of [...this.nodes, this.persister]) {
      if (!p) continue;
      const file = mainThreadProfile(path.join(this.profileDir, p.name));
      if (!file) warnNoProfile(p);
      for (const [label, window] of this.windows) {
        const summary = file ? summarizeProfile(file, window) : null;
        if (!summary || summary.sampledSeconds < 0.1) continue;
        summaries[`${label} — ${p.name}`] = summary;
        printProfile(`${label} — ${p.name}`, summary);
      }
    }
    return summaries;
  }
}

/** A profile is written only at a clean exit: say how the process ended instead, and what it printed last. */
function warnNoProfile(p: NodeProcess) {
  const { exitCode, signalCode } = p.child;
  const last = p.output().trim().split("\n").slice(-5).join("\n    ");
  console.warn(
    `  no CPU profile from ${p.name}: it ended with ${signalCode ? `signal ${signalCode}` : `exit code ${exitCode}`}; last output:\n    ${last}`,
  );
}
