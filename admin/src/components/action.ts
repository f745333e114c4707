// Runs a button's action with a pending flag and the error kept for display.
import { createSignal } from "solid-js";
import { describe } from "./error-text";

export function createAction() {
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal("");
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
  return { pending, error, run };
}
