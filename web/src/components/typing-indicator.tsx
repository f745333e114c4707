import { useStore } from "../store";

export function TypingIndicator(props: { channelId: string }) {
  const store = useStore();
  const text = () => {
    const names = store.presence.typingIn(props.channelId).map((id) => store.presence.name(id) ?? "Someone");
    if (names.length === 0) return "";
    if (names.length === 1) return `${names[0]} is typing…`;
    if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
    return "Several people are typing…";
  };
  return (
    <div class="typing" aria-live="polite" data-testid="typing">
      {text()}
    </div>
  );
}
