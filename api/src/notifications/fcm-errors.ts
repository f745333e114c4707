// What to do with a message FCM refused, by firebase-admin's error code. A dead token is forgotten; a
// busy or failing FCM is asked again with backoff; anything else will not get better by retrying.
export type Verdict = "prune" | "retry" | "dead";

const PRUNE = new Set([
  "messaging/registration-token-not-registered", // UNREGISTERED: the app or browser dropped it
  "messaging/invalid-registration-token",
  "messaging/mismatched-credential", // SENDER_ID_MISMATCH: a token of another Firebase project
]);

const RETRY = new Set([
  "messaging/message-rate-exceeded", // 429 QUOTA_EXCEEDED
  "messaging/device-message-rate-exceeded",
  "messaging/server-unavailable", // 503 (firebase-admin itself already retried it)
  "messaging/internal-error", // 500
  "messaging/unknown-error", // a non-JSON answer, e.g. a proxy's 502
  "app/network-error",
  "app/network-timeout",
]);

export function verdictOf(code: string | undefined): Verdict {
  if (code && PRUNE.has(code)) return "prune";
  if (code && RETRY.has(code)) return "retry";
  return "dead";
}

/** Backoff before retry `attempt` (1, 2, …): base × 2^(attempt−1), with ±25% jitter so notifiers spread out. */
export function backoffMs(attempt: number, baseMs: number, random = Math.random): number {
  return Math.round(baseMs * 2 ** (attempt - 1) * (0.75 + random() / 2));
}
