// The notifier as its own process: `bash ops/notifier` (run one or more; Kafka shares the partitions among
// them) next to API nodes started with NOTIFIER=off. Needs KAFKA_BROKERS, REDIS_URL and DATABASE_URL.
import { runWorkerProcess } from "../lib/worker-process.js";
import { startNotifier } from "./start.js";

runWorkerProcess({
  name: "notifier",
  metricsPort: (config) => config.NOTIFIER_METRICS_PORT,
  async start(services) {
    const running = await startNotifier(services);
    return { stop: () => running.stop(), logFields: { fcm: running.fcm }, readyNote: running.fcm };
  },
});
