// In-browser notifications: the notification goes to the user's bus topic, which every node holding a
// socket of theirs listens to; each open tab shows it with the Notification API (same tag as pushes, so a
// tab and a push of the same browser show one notification, not two).
import type { Bus } from "../realtime/bus.js";
import { userTopic } from "../realtime/control.js";
import type { DeliveryReport, Outgoing, Transport } from "./transport.js";

export class BrowserTransport implements Transport {
  readonly name = "browser";

  constructor(private readonly bus: Bus) {}

  async deliver(outgoing: readonly Outgoing[]): Promise<DeliveryReport> {
    await this.bus.publishMany(
      outgoing.map(({ userId, notification }) => ({
        topic: userTopic(userId),
        payload: JSON.stringify({ type: "notification", notification }),
      })),
    );
    return { sent: outgoing.length, failed: 0 };
  }
}
