// One FCM v1 message per device. Every message carries the notification as data (the web client's service
// worker shows it by the same rules as an open tab); the platform blocks add the collapse key per platform:
// Web Push's Topic header, Android's collapse_key and tag, APNs' apns-collapse-id.
import type { TokenMessage } from "firebase-admin/messaging";
import type { PushNotification } from "./content.js";
import type { PushTarget } from "./devices.js";

/** A push nobody saw within a day is not worth showing any more. */
const TTL_SECONDS = 24 * 60 * 60;

export function dataOf(n: PushNotification): Record<string, string> {
  return {
    kind: n.kind,
    eventId: n.eventId,
    channelId: n.channelId,
    messageId: n.messageId,
    title: n.title,
    body: n.body,
    tag: n.tag,
    unread: String(n.unread),
    alert: n.alert ? "1" : "0",
    url: n.url,
    why: n.why,
  };
}

export function fcmMessage(target: PushTarget, n: PushNotification): TokenMessage {
  const base = { token: target.token, data: dataOf(n) };
  const shown = n.kind === "message";
  if (target.platform === "android") {
    return {
      ...base,
      android: {
        collapseKey: n.tag,
        priority: "high",
        ttl: TTL_SECONDS * 1000,
        ...(shown
          ? {
              notification: {
                title: n.title,
                body: n.body,
                tag: n.tag,
                notificationCount: n.unread,
                ...(n.alert ? { defaultSound: true } : {}),
              },
            }
          : {}),
      },
    };
  }
  if (target.platform === "ios") {
    return {
      ...base,
      apns: {
        headers: { "apns-collapse-id": n.tag, "apns-priority": shown ? "10" : "5" },
        payload: {
          aps: shown
            ? {
                alert: { title: n.title, body: n.body },
                threadId: n.channelId,
                ...(n.alert ? { sound: "default" } : {}),
              }
            : { contentAvailable: true },
        },
      },
    };
  }
  return {
    ...base,
    webpush: { headers: { Topic: n.tag, Urgency: shown ? "high" : "normal", TTL: String(TTL_SECONDS) } },
  };
}
