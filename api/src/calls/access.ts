// Membership asked as it is now (the socket re-reads the user for every frame, but not their channels):
// the frames that start receiving or sending media re-check it. Single prepared statements (lib/sql.ts):
// consuming runs once per producer in a call.
import { forbidden } from "../errors.js";
import type { Sql } from "../lib/sql.js";

/** Still a member of the call's channel; 403 `not_member` otherwise. */
export async function checkStillMember(sql: Sql, userId: string, channelId: string) {
  const { rowCount } = await sql.query({
    name: "call-still-member",
    text: `SELECT 1 FROM "ChannelMember" WHERE "channelId" = $1::uuid AND "userId" = $2::uuid`,
    values: [channelId, userId],
  });
  if (!rowCount) throw forbidden("You are not a member of this channel any more.", "not_member");
}

/** The channels the user is a member of (the calls they may see). */
export async function memberChannelIds(sql: Sql, userId: string): Promise<string[]> {
  const { rows } = await sql.query<{ channelId: string }>({
    name: "call-member-channels",
    text: `SELECT "channelId" FROM "ChannelMember" WHERE "userId" = $1::uuid`,
    values: [userId],
  });
  return rows.map((r) => r.channelId);
}
