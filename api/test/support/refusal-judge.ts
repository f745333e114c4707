// Judges "a refused input changes nothing" over a stream of fuzzed cases without reading the whole state
// after every one of them (a read is a PostgreSQL digest and a Kafka round trip: too slow for 10,000 cases
// on a loaded machine). Cases the caller predicts change nothing (their input fails the schema the server
// validates with, or they only read) are judged in batches: the state after the batch must equal the state
// before it. Every other case is judged alone. A prediction that turns out wrong (an accepted mutation in
// a batch) makes the batch unjudgeable as a whole, so its cases are replayed one by one and judged alone.
// The cases of a batch run several at a time (their order cannot matter if each changes nothing); the
// others run alone, once everything before them has finished.
import { expect } from "vitest";
import { changed, type StateProbe } from "./state-probe.js";

export type Verdict = "refused" | "accepted";

export interface JudgedCase {
  label: string;
  /** True when the case cannot change anything if the server is right: it reads, or its input is invalid. */
  predictedNoChange: boolean;
  /** A read-only case (GET): it must change nothing whether it is refused or not. */
  readOnly: boolean;
  /** Sends the case; resolves to the server's verdict (after checking the answer's own shape). */
  run(): Promise<Verdict>;
}

const MAX_BATCH = 40;
/** Batched cases in flight at once. */
const CONCURRENCY = 6;

export class RefusalJudge {
  private baseline: Record<string, string> = {};
  private batch: JudgedCase[] = [];
  private inFlight = new Set<Promise<void>>();
  private failures: unknown[] = [];
  private mispredicted = false;
  /** What judging cost (printed by the fuzzer, to see where its time goes): counts, and milliseconds spent. */
  readonly stats = {
    judgedAlone: 0,
    judgedInBatches: 0,
    batches: 0,
    mispredicted: 0,
    stateReads: 0,
    stateReadMs: 0,
    settleMs: 0,
    aloneCaseMs: 0,
  };

  constructor(
    private readonly probe: StateProbe,
    /** Called after a case ended a session, so later cases get a live one. */
    private readonly afterAccepted: () => Promise<void> = async () => {},
  ) {}

  async start() {
    await this.probe.settle();
    this.baseline = await this.read();
  }

  /** Resolves once the case is under way (batched) or judged (alone); a batched case's failure surfaces later. */
  async judge(c: JudgedCase): Promise<void> {
    if (!c.predictedNoChange) {
      await this.checkpoint();
      await this.judgeAlone(c);
      return;
    }
    this.batch.push(c);
    const running: Promise<void> = c
      .run()
      .then((verdict) => {
        if (verdict === "accepted" && !c.readOnly) this.mispredicted = true;
      })
      .catch((error) => void this.failures.push(error))
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
    if (this.inFlight.size >= CONCURRENCY) await Promise.race(this.inFlight);
    if (this.batch.length >= MAX_BATCH) await this.checkpoint();
  }

  private async read() {
    const t = performance.now();
    const r = await this.probe.read();
    this.stats.stateReads++;
    this.stats.stateReadMs += Math.round(performance.now() - t);
    return r;
  }

  private async judgeAlone(c: JudgedCase): Promise<Verdict> {
    const t0 = performance.now();
    const verdict = await c.run();
    this.stats.aloneCaseMs += Math.round(performance.now() - t0);
    this.stats.judgedAlone++;
    if (verdict === "accepted") await this.rebase();
    else expect(changed(this.baseline, await this.read()), `${c.label}: refused, but changed state`).toEqual({});
    return verdict;
  }

  /** Waits for the batch to finish; it changed nothing. */
  async checkpoint() {
    await Promise.all(this.inFlight);
    // Thrown once: a batched case's failure belongs to the property it surfaced in, not to every later one.
    const [failure] = this.failures.splice(0);
    if (failure) throw failure;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    if (this.mispredicted) {
      // An accepted change in the batch: judge its refused cases again, one by one.
      this.mispredicted = false;
      this.stats.mispredicted++;
      await this.rebase();
      for (const b of batch.filter((b) => !b.readOnly)) await this.judgeAlone(b);
      return;
    }
    const now = await this.read();
    const labels = batch.map((b) => `  ${b.label}`).join("\n");
    expect(changed(this.baseline, now), `one of these cases changed state:\n${labels}`).toEqual({});
    this.stats.judgedInBatches += batch.length;
    this.stats.batches++;
  }

  /** After an accepted change: once its events are stored, the state now is the baseline. */
  private async rebase() {
    // settle() answers at once when nothing new is in the log, so no read first to find out.
    const t = performance.now();
    await this.probe.settle();
    this.stats.settleMs += Math.round(performance.now() - t);
    await this.afterAccepted();
    this.baseline = await this.read();
  }
}
