// The persister as its own process: `bash ops/persister` (run one or more; Kafka shares the
// partitions among them). Needs KAFKA_BROKERS, REDIS_URL and DATABASE_URL.
import { runWorkerProcess } from "../lib/worker-process.js";
import { Persister } from "./persister.js";

runWorkerProcess({
  name: "persister",
  // Serves the lag gauge and batch timings.
  metricsPort: (config) => config.PERSISTER_METRICS_PORT,
  async start(services) {
    const persister = new Persister(services);
    await persister.start();
    return { stop: () => persister.stop() };
  },
});
