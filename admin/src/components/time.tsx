export function Time(props: { iso: string | null | undefined }) {
  return (
    <time datetime={props.iso ?? undefined} title={props.iso ?? undefined}>
      {props.iso ? new Date(props.iso).toLocaleString() : "—"}
    </time>
  );
}
