// What the API publishes to one user's control topic on the bus (sessions revoked, access lost …), collected
// as it arrives, for tests that check a change reaches that user's open sockets at once.
import type { Bus } from "../../src/realtime/bus.js";
import { userTopic } from "../../src/realtime/control.js";

/** `ready` resolves once the subscription is in place: await it before the action. */
export function controlMessages(bus: Bus, userId: string) {
  const seen: unknown[] = [];
  const ready = bus.subscribe(userTopic(userId), (payload) => seen.push(JSON.parse(payload)));
  return { seen, ready };
}
