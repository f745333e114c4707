// A push's payload as the service worker and the page read it. FCM delivers the server's notification as
// string data ({ data: { title, body, unread: "3", alert: "1", … } }); the socket's frame carries it typed.
// Shared by the service worker and the page (no DOM or worker types here).

export interface ShownNotification {
  kind: "message" | "withdraw";
  channelId: string;
  messageId: string;
  title: string;
  body: string;
  tag: string;
  unread: number;
  alert: boolean;
  url: string;
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** What to show for a push or frame, or null when it is not one of ours. */
export function toShown(json: unknown): ShownNotification | null {
  if (!json || typeof json !== "object") return null;
  const outer = json as { data?: unknown };
  const d = (outer.data && typeof outer.data === "object" ? outer.data : json) as Record<string, unknown>;
  const kind = d.kind === "withdraw" ? "withdraw" : d.kind === "message" ? "message" : null;
  const tag = text(d.tag);
  if (!kind || !tag) return null;
  const url = text(d.url);
  return {
    kind,
    channelId: text(d.channelId),
    messageId: text(d.messageId),
    title: text(d.title) || "Parley",
    body: text(d.body),
    tag,
    unread: Number(d.unread) || 0,
    alert: d.alert === true || d.alert === "1",
    // Only a path of this app: a push must not send anyone elsewhere.
    url: url.startsWith("/") && !url.startsWith("//") ? url : "/",
  };
}
