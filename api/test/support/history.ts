// A long history for web/test/long-history.test.ts and web/scripts/bench-ui.ts: N top-level messages written
// straight into the channel's store, as the persister writes them (the message row and its stored
// messageCreated event, then the channel's lastSeq), generated inside PostgreSQL. Authors alternate every
// few messages and one message is made every 7 minutes, so the list has groups, avatars and day dividers;
// every 7th body is a list and every 11th a code block, so rows differ in height as real ones do.
// The authors' read positions are set to the newest (a member who is not an author has it all unread).
// Run it while nobody sends to that channel (the persister continues from lastSeq afterwards).
import pg from "pg";

export const historyBody = (seq: number) => `history message ${seq}`;

export async function seedHistory(databaseUrl: string, channelId: string, authorIds: string[], total: number) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query("BEGIN");
    const { rows } = await db.query<{ lastSeq: number }>(`SELECT "lastSeq" FROM "Channel" WHERE id = $1 FOR UPDATE`, [
      channelId,
    ]);
    const from = (rows[0]?.lastSeq ?? 0) + 1;
    await db.query(
      `WITH rows AS (
         SELECT gen_random_uuid() AS id, g AS seq, gen_random_uuid() AS "eventId",
                ($4::uuid[])[1 + (g / 3) % cardinality($4::uuid[])] AS author,
                now() - ($3::int - g) * interval '7 minutes' AS at,
                'history message ' || g || CASE
                  WHEN g % 11 = 0 THEN E'\n\`\`\`ts\nconst seq = ' || g || E';\nconsole.log(seq);\n\`\`\`'
                  WHEN g % 7 = 0 THEN E' with a list:\n- **first** point\n- second point'
                  ELSE ' with a few words so the line has some length' END AS body
         FROM generate_series($2::int, $3::int) AS g),
       messages AS (
         INSERT INTO "Message" (id, "channelId", seq, "authorId", "clientId", body, "createdAt")
         SELECT id, $1::uuid, seq, author, 'seed-' || $1::uuid::text || '-' || seq, body, at FROM rows)
       INSERT INTO "ChannelEvent" ("channelId", seq, "eventId", type, payload, "createdAt")
       SELECT $1::uuid, seq, "eventId", 'messageCreated',
         jsonb_build_object('type', 'messageCreated', 'eventId', "eventId", 'channelId', $1::uuid, 'actorId', author,
           'at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'data', jsonb_build_object('messageId', id, 'clientId', 'seed-' || $1::uuid::text || '-' || seq, 'body', body, 'parentId', null)), at
       FROM rows`,
      [channelId, from, from + total - 1, authorIds],
    );
    await db.query(`UPDATE "Channel" SET "lastSeq" = $2 WHERE id = $1`, [channelId, from + total - 1]);
    // The authors have read what they wrote: the channel opens at its newest message for them.
    await db.query(
      `UPDATE "ChannelMember" SET "lastReadSeq" = $3 WHERE "channelId" = $1 AND "userId" = ANY($2::uuid[])`,
      [channelId, authorIds, from + total - 1],
    );
    await db.query("COMMIT");
    return { first: from, last: from + total - 1 };
  } catch (error) {
    await db.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await db.end();
  }
}

async function oneId(databaseUrl: string, sql: string, params: unknown[], what: string): Promise<string> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(sql, params);
    if (!rows[0]) throw new Error(`no ${what}`);
    return rows[0].id;
  } finally {
    await db.end();
  }
}

/** A channel's id by name (the default #general, say). */
export const channelIdByName = (databaseUrl: string, name: string) =>
  oneId(databaseUrl, `SELECT id FROM "Channel" WHERE name = $1`, [name], `channel named ${name}`);

export const userIdByEmail = (databaseUrl: string, email: string) =>
  oneId(databaseUrl, `SELECT id FROM "User" WHERE email = $1`, [email], `user ${email}`);

/** A message's id by its channel and seq (to open it by permalink). */
export const messageIdAt = (databaseUrl: string, channelId: string, seq: number) =>
  oneId(
    databaseUrl,
    `SELECT id FROM "Message" WHERE "channelId" = $1 AND seq = $2`,
    [channelId, seq],
    `message ${seq}`,
  );
