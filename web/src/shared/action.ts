// Runs a button's or form's action with a pending flag and the error kept for display.
import { createSignal } from "solid-js";
import { describeError } from "./http";

/** `describe` words a failure (default: the API's message); the dashboard adds the error code. */
export function createAction(describe: (error: unknown) => string = describeError) {
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal("");
  /** The action's result, or undefined when it failed (the error is then shown). */
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    setPending(true);
    setError("");
    try {
      return await fn();
    } catch (e) {
      setError(describe(e));
      return undefined;
    } finally {
      setPending(false);
    }
  }
  return { pending, error, setError, run };
}
export type Action = ReturnType<typeof createAction>;
