// The real services the tests use, as ops/test (or the developer) provides them. A test that needs one
// that is missing fails with what to run, rather than being skipped silently.
export const testEnv = {
  /** A database on the server where each test run makes its own databases. */
  adminDatabaseUrl: process.env.PARLEY_TEST_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  redisUrl: process.env.PARLEY_TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
  kafkaBrokers: (process.env.PARLEY_TEST_KAFKA_BROKERS ?? "127.0.0.1:9092").split(","),
  /** Unique per run of the test command, so runs sharing the machine's services never collide. */
  runId: process.env.PARLEY_TEST_RUN_ID ?? "local",
};

export const servicesHint = "start them with `bash ops/services up` (or run the whole suite with `bash ops/test`)";
