// A cursor-paginated list that any slice can hold: the first page replaces, "load more" appends, and a
// reply to a superseded request (the filters changed meanwhile) is dropped.
import { createStore, produce } from "solid-js/store";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function createPagedList<T extends { id: string }>(fetchPage: (cursor?: string) => Promise<Page<T>>) {
  const [state, setState] = createStore({
    items: [] as T[],
    nextCursor: null as string | null,
    loading: false,
    error: "",
  });
  let generation = 0;

  async function load(more = false) {
    const mine = ++generation;
    setState({ loading: true, error: "" });
    try {
      const page = await fetchPage(more ? (state.nextCursor ?? undefined) : undefined);
      if (mine !== generation) return;
      setState({ items: more ? [...state.items, ...page.items] : page.items, nextCursor: page.nextCursor });
    } catch (error) {
      if (mine === generation) setState("error", error instanceof Error ? error.message : String(error));
    } finally {
      if (mine === generation) setState("loading", false);
    }
  }

  /** Puts a changed item in place (or first, when it is new). */
  function upsert(item: T) {
    setState(
      produce((s) => {
        const at = s.items.findIndex((i) => i.id === item.id);
        if (at >= 0) s.items[at] = item;
        else s.items.unshift(item);
      }),
    );
  }

  /** Takes an item out (deleted). */
  function drop(id: string) {
    setState("items", (items) => items.filter((i) => i.id !== id));
  }

  return { state, load, loadMore: () => load(true), upsert, drop };
}
