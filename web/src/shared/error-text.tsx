/** An error where the person looks: announced to screen readers, hidden when there is none. */
export function ErrorText(props: { error: string; testId?: string }) {
  return (
    <p class="p-error" role="alert" hidden={!props.error} data-testid={props.testId}>
      {props.error}
    </p>
  );
}
