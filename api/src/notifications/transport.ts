// How notifications leave: one small interface, two transports. FCM (fcm-transport.ts) reaches registered
// devices — browsers with the tab closed, and future mobile apps; the browser transport (browser-transport.ts)
// reaches open tabs through the chat socket, so a workspace without a Google project still notifies.
import type { PushNotification } from "./content.js";

export interface Outgoing {
  userId: string;
  notification: PushNotification;
}

export interface DeliveryReport {
  /** Accepted by the transport (FCM: per device). */
  sent: number;
  /** Refused for good: dead tokens (pruned) and dead letters. */
  failed: number;
}

export interface Transport {
  readonly name: "fcm" | "browser";
  /** Resolves once every notification was accepted, refused for good, or dead-lettered; rejects only when
   * the transport itself cannot be used (the notifier then retries the whole batch). */
  deliver(outgoing: readonly Outgoing[]): Promise<DeliveryReport>;
}
