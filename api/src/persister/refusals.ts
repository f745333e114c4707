// Every way the persister can refuse an event it read from the log. A refused event goes to the dead-letter
// topic with its reason ("<refusal>: <detail>"); none of them may happen to an event the API accepted,
// which test/integration/persister-refusals.test.ts proves refusal by refusal.
export const REFUSALS = {
  not_json: "the record is not JSON",
  invalid_event: "the event does not match the channel event schema",
  wrong_partition: "the event's channel differs from the record's key",
  channel_missing: "the event's channel does not exist",
  author_missing: "the author of the event's message or reaction is not a user",
  store_refused: "PostgreSQL refused the event's data (SQLSTATE class 22 or 23)",
} as const;

export type Refusal = keyof typeof REFUSALS;

export const refusalReason = (refusal: Refusal, detail: string) => `${refusal}: ${detail}`;

// SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation): the event's data is at
// fault, so storing it again would fail again. Anything else (a lost connection, a restart, a deadlock)
// may pass on a later try.
const DATA_CLASSES: Record<string, string> = { "22": "data exception", "23": "integrity constraint violation" };

const sqlState = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
};

/** PostgreSQL blamed the data: retrying the same event can only fail again. */
export const isDataRefusal = (error: unknown) => (sqlState(error)?.slice(0, 2) ?? "") in DATA_CLASSES;

/**
 * What PostgreSQL said, from its SQLSTATE and the names of the objects involved only. Its message, detail
 * and context can quote the data (a key's value, a line of a JSON document), which may be message text,
 * and that must not reach a log line or a dead letter's headers.
 */
export function describeStoreError(error: unknown): string {
  const code = sqlState(error);
  if (!code) return error instanceof Error ? `${error.name} (not from PostgreSQL)` : "unknown error";
  const { table, column, constraint } = error as { table?: string; column?: string; constraint?: string };
  const where = [table && `table ${table}`, column && `column ${column}`, constraint && `constraint ${constraint}`];
  const kind = DATA_CLASSES[code.slice(0, 2)];
  return [`SQLSTATE ${code}${kind ? ` (${kind})` : ""}`, ...where.filter(Boolean)].join(", ");
}
