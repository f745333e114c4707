import { onCleanup } from "solid-js";

/** Calls fn once typing pauses, so a search box asks the API per pause, not per key. */
export function debounced<A extends unknown[]>(fn: (...args: A) => unknown, ms = 200) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
