// Times an async step one call at a time: CPU (process.cpuUsage, all threads) and wall time per call.
export async function timeEach(name: string, fn: (i: number) => Promise<unknown>, calls = 2000) {
  for (let i = 0; i < 200; i++) await fn(-i - 1); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < calls; i++) await fn(i);
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  const ms = (v: number) => v.toFixed(3).padStart(7);
  console.log(`${name.padEnd(46)} cpu ${ms((used.user + used.system) / 1000 / calls)} ms  wall ${ms(wall / calls)} ms`);
}
