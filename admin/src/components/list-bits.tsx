import { Show } from "solid-js";

export function EmptyRow(props: { cols: number; text: string }) {
  return (
    <tr>
      <td colSpan={props.cols} class="muted">
        {props.text}
      </td>
    </tr>
  );
}

export function LoadMore(props: {
  list: { state: { nextCursor: string | null; loading: boolean }; loadMore(): unknown };
}) {
  return (
    <Show when={props.list.state.nextCursor}>
      <button type="button" class="load-more" disabled={props.list.state.loading} onClick={() => props.list.loadMore()}>
        Load more
      </button>
    </Show>
  );
}
