// Handlers of the connection-level frames: ping and resume.
import type { HandlerMap } from "./handlers.js";

export const realtimeHandlers: HandlerMap = {
  ping: async () => ({ at: new Date().toISOString() }),

  resume: async (ctx, { positions }) => {
    const memberships = await ctx.services.db.channelMember.findMany({
      where: { userId: ctx.user.id },
      select: { channelId: true, channel: { select: { lastSeq: true } } },
    });
    const memberOf = new Map(memberships.map((m) => [m.channelId, m.channel.lastSeq]));
    const denied = Object.keys(positions).filter((id) => !memberOf.has(id));
    return { channels: await ctx.resume(positions, memberOf), denied };
  },
};
