// The few pictures calls need, drawn inline (no icon font, nothing fetched). Each is decorative: the
// control or text beside it says what it means.
type IconProps = { class?: string };

const svg = (props: IconProps, path: string) => (
  <svg class={props.class ?? "icon-svg"} viewBox="0 0 24 24" aria-hidden="true" innerHTML={path} />
);

export const VideoIcon = (p: IconProps) =>
  svg(
    p,
    '<path fill="currentColor" d="M4 6h11a2 2 0 0 1 2 2v1.5l4-2.5v10l-4-2.5V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z"/>',
  );
export const MicOffIcon = (p: IconProps) =>
  svg(
    p,
    '<path fill="currentColor" d="M12 3a3 3 0 0 1 3 3v5l-6-6a3 3 0 0 1 3-2zM5 10h2a5 5 0 0 0 7.6 4.3l1.4 1.4A7 7 0 0 1 13 17v3h-2v-3a7 7 0 0 1-6-7zm12 0h2a7 7 0 0 1-.8 3.2l-1.5-1.5c.2-.5.3-1.1.3-1.7zM3.3 3.3l17.4 17.4-1.4 1.4L1.9 4.7z"/>',
  );
export const HandIcon = (p: IconProps) =>
  svg(
    p,
    '<path fill="currentColor" d="M9 3a1.5 1.5 0 0 1 3 0v7h1V4.5a1.5 1.5 0 0 1 3 0V11h1V7a1.5 1.5 0 0 1 3 0v8a7 7 0 0 1-7 7h-.5a7 7 0 0 1-5.6-2.8L3 14.5a1.5 1.5 0 0 1 2.3-2L7 14V6a1.5 1.5 0 0 1 2 0z"/>',
  );
