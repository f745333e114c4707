// The last step for every notification: skip what was sent before (a replay after a crash), count the
// unread, let the first of a burst alert, pick the transport (an open tab: the socket; none: FCM), deliver,
// then record what was sent. Records are written only after delivery, and the notifier's offsets are
// committed only after this resolves: a crash before the records means the batch comes again and is sent
// again (at least once); after them, a replay finds them and sends nothing (so exactly once, bar a crash in
// the moment between FCM's answer and the records, which the collapse key makes harmless on the device).
import type { Services } from "../services.js";
import { type Attention, attentionOf } from "./attention.js";
import type { PushNotification } from "./content.js";
import { countPushes } from "./counters.js";
import { unreadCounts } from "./facts.js";
import { notifierPushes } from "./metrics.js";
import type { DeliveryReport, Outgoing, Transport } from "./transport.js";
import type { PushSettings } from "./workspace-settings.js";

/** How long a sent notification is remembered for replays: longer than any event is notified after (MAX_AGE_MS). */
const SENT_TTL_MS = 2 * 60 * 60_000;
/** Within this long after an alerting notification of a channel, newer ones replace it without alerting. */
export const BURST_MS = 30_000;
/** How long the message a notification shows is remembered, so an edit or deletion can update or withdraw it. */
export const SHOWN_TTL_MS = 60 * 60_000;

export const sentKey = (eventId: string, userId: string) => `notify-sent:${eventId}:${userId}`;
const burstKey = (userId: string, channelId: string) => `notify-burst:${userId}:${channelId}`;
/** The message the channel's notification shows for this user now. */
export const shownKey = (userId: string, channelId: string) => `notify-shown:${userId}:${channelId}`;
/** Who was shown this message (for its edit or deletion). */
export const recipientsKey = (messageId: string) => `notify-recipients:${messageId}`;

export interface Draft {
  userId: string;
  channelId: string;
  /** Every event this notification stands for; the last is the one it shows. */
  eventIds: string[];
  /** A new message may alert; an update never does. */
  mayAlert: boolean;
  make(extra: { unread: number; alert: boolean; previews: boolean }): PushNotification;
}

export interface Transports {
  fcm: Transport | null;
  browser: Transport;
}

export async function dispatch(
  services: Services,
  transports: Transports,
  drafts: Draft[],
  settings: PushSettings,
  known?: ReadonlyMap<string, Attention>,
): Promise<void> {
  const { kv, sql } = services;
  const seen = await kv.getMany(drafts.map((d) => sentKey(d.eventIds.at(-1) as string, d.userId)));
  const fresh = drafts.filter((_, i) => seen[i] === null);
  if (fresh.length === 0) return;
  const missing = fresh.map((d) => d.userId).filter((id) => !known?.has(id));
  const [unread, firsts, asked] = await Promise.all([
    unreadCounts(sql, fresh),
    Promise.all(fresh.map((d) => (d.mayAlert ? kv.setIfAbsent(burstKey(d.userId, d.channelId), "1", BURST_MS) : "no"))),
    missing.length > 0 ? attentionOf(kv, missing) : new Map<string, Attention>(),
  ]);
  const toBrowser: Outgoing[] = [];
  const toFcm: Outgoing[] = [];
  fresh.forEach((draft, i) => {
    const notification = draft.make({
      unread: unread.get(`${draft.userId}/${draft.channelId}`) ?? 0,
      alert: firsts[i] === null,
      previews: settings.previews,
    });
    const online = (known?.get(draft.userId) ?? asked.get(draft.userId))?.online ?? false;
    (online ? toBrowser : toFcm).push({ userId: draft.userId, notification });
  });
  const fcm = transports.fcm && settings.enabled ? transports.fcm : null;
  await Promise.all([deliver(services, transports.browser, toBrowser), fcm && deliver(services, fcm, toFcm)]);
  await record(services, fcm ? [...toBrowser, ...toFcm] : toBrowser, fresh);
}

async function deliver(services: Services, transport: Transport, outgoing: Outgoing[]): Promise<DeliveryReport> {
  if (outgoing.length === 0) return { sent: 0, failed: 0 };
  const report = await transport.deliver(outgoing);
  notifierPushes.inc({ transport: transport.name, outcome: "sent" }, report.sent);
  notifierPushes.inc({ transport: transport.name, outcome: "failed" }, report.failed);
  const { kv } = services;
  if (transport.name === "browser") await countPushes(kv, "browser", report.sent);
  else await Promise.all([countPushes(kv, "sent", report.sent), countPushes(kv, "failed", report.failed)]);
  return report;
}

async function record(services: Services, outgoing: Outgoing[], drafts: Draft[]) {
  const { kv } = services;
  const shown = outgoing.filter((o) => o.notification.kind === "message");
  await Promise.all([
    kv.setMany(
      drafts.flatMap((d) => d.eventIds.map((eventId) => ({ key: sentKey(eventId, d.userId), value: "1" }))),
      SENT_TTL_MS,
    ),
    kv.setMany(
      outgoing.map(({ userId, notification: n }) => ({
        key: shownKey(userId, n.channelId),
        value: n.kind === "message" ? n.messageId : "",
      })),
      SHOWN_TTL_MS,
    ),
    kv.touchMembers(
      shown.map(({ userId, notification: n }) => ({ key: recipientsKey(n.messageId), member: userId })),
      SHOWN_TTL_MS,
    ),
  ]);
}
