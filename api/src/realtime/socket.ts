// Handlers of the connection-level frames: ping and resume.
import type { HandlerMap } from "./handlers.js";

export const realtimeHandlers: HandlerMap = {
  ping: async () => ({ at: new Date().toISOString() }),

  resume: async (ctx, { positions }) => {
    // Plain pg (lib/sql.ts): every socket resumes once, so a reconnect wave runs this per socket.
    const { rows } = await ctx.services.sql.query<{ channelId: string; lastSeq: number }>({
      name: "resume-memberships",
      text: `SELECT m."channelId", c."lastSeq" FROM "ChannelMember" m JOIN "Channel" c ON c.id = m."channelId"
        WHERE m."userId" = $1::uuid`,
      values: [ctx.user.id],
    });
    const memberOf = new Map(rows.map((m) => [m.channelId, m.lastSeq]));
    const denied = Object.keys(positions).filter((id) => !memberOf.has(id));
    return { channels: await ctx.resume(positions, memberOf), denied };
  },
};
