// Socket handlers for presence and typing. Typing is throttled per user and channel (one signal per 3 s
// reaches the others); clients show it for ~6 s after the last signal.
import { checkMember } from "../messages/checks.js";
import { checkPresenceChange } from "../quotas/quotas.js";
import { publishEphemeral } from "../realtime/ephemeral.js";
import type { HandlerMap } from "../realtime/handlers.js";
import type { PresenceTracker } from "./tracker.js";

export const TYPING_THROTTLE_MS = 3000;

export function presenceHandlers(tracker: PresenceTracker): HandlerMap {
  return {
    setPresence: async (ctx, { status }) => {
      await checkPresenceChange(ctx.services.kv, ctx.services.config, ctx.user.id);
      return { status: await tracker.setStatus(ctx.user.id, ctx.connectionId, status) };
    },

    typing: async (ctx, { channelId }) => {
      const { services, user } = ctx;
      await checkMember(services.sql, user.id, channelId);
      const first = (await services.kv.setIfAbsent(`typing:${channelId}:${user.id}`, "1", TYPING_THROTTLE_MS)) === null;
      if (first) await publishEphemeral(services.bus, [channelId], { type: "typing", channelId, userId: user.id });
      return {};
    },
  };
}
