// CPU use by party over a measured window: the product's own processes, the load generators, the services
// (PostgreSQL, Kafka, Redis) and everything else on the machine — so a number taken while other work was
// running says how much of the two cores that work took.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

export type Parties = Record<string, number[]>;

function processTicks(pid: string): { ticks: number; comm: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ticks: Number(fields[11]) + Number(fields[12]), comm, ppid: Number(fields[1]) };
  } catch {
    return null;
  }
}

function cmdline(pid: string) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

function machineTicks() {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

/**
 * Ticks per party now; a listed process's children count as its own (an API node with API_PROCESSES > 1:
 * its workers); processes not listed are classified by name.
 */
function snapshot(parties: Parties): Map<string, number> {
  const owned = new Map<number, string>();
  for (const [party, pids] of Object.entries(parties)) for (const pid of pids) owned.set(pid, party);
  const out = new Map<string, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const p = processTicks(entry);
    if (!p) continue;
    let party = owned.get(Number(entry)) ?? owned.get(p.ppid);
    if (!party) {
      if (p.comm === "postgres") party = "postgresql";
      else if (p.comm.startsWith("redis-server")) party = "redis";
      else if (p.comm === "java" && cmdline(entry).includes("kafka.Kafka")) party = "kafka";
      else continue; // the rest is what the machine used beyond all of the above
    }
    out.set(party, (out.get(party) ?? 0) + p.ticks);
  }
  out.set("machine", machineTicks());
  return out;
}

/** Cores used by each party (and the whole machine) between start() and cores(). */
export class PartyMeter {
  private readonly start: Map<string, number>;
  private readonly startedAt = performance.now();

  constructor(private readonly parties: Parties) {
    this.start = snapshot(parties);
  }

  cores(): Record<string, number> {
    const end = snapshot(this.parties);
    const seconds = (performance.now() - this.startedAt) / 1000;
    const out: Record<string, number> = {};
    for (const [party, ticks] of end) {
      const used = Math.max(0, ticks - (this.start.get(party) ?? 0)) / TICKS_PER_SECOND;
      out[party] = Math.round((used / seconds) * 100) / 100;
    }
    // Other work on the machine (other programs, short-lived processes, the kernel): machine minus the rest.
    const named = Object.entries(out)
      .filter(([p]) => p !== "machine")
      .reduce((sum, [, v]) => sum + v, 0);
    out["everything else"] = Math.max(0, Math.round(((out.machine ?? 0) - named) * 100) / 100);
    return out;
  }
}

/** One line for the table: "api 0.45 · persister 0.2 · … (machine 1.98 of N)". */
export function describeCores(cores: Record<string, number>, total: number) {
  const parts = Object.entries(cores)
    .filter(([p, v]) => p !== "machine" && v >= 0.01)
    .map(([p, v]) => `${p} ${v}`);
  return `${parts.join(" · ")} (machine ${cores.machine ?? 0} of ${total})`;
}
