// CPU and wall time of one history page (GET /api/channels/{id}/messages, 50 messages, a few with
// reactions and replies) as it was on Prisma (checkCanView + findMany + withReactions) against the
// prepared pg statements of channels/history-page.ts now. Both run in this process, so CPU is the
// node's own. Run: cd api && KAFKA_PORT=9192 node --import tsx bench/probes/history-page.ts (services up).
import os from "node:os";
import { checkCanView } from "../../src/channels/access.js";
import { withReactions } from "../../src/channels/history.js";
import { listMessages } from "../../src/channels/history-page.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { startServices } from "../../src/start-services.js";
import { type SeededUser, seedChannels, seedMembers, seedUsers } from "../lib/seed.js";
import { cleanupRun, createStack } from "../lib/stack.js";
import { timeEach } from "./time-each.js";

const stack = await createStack("probe-history");
const services = await startServices(loadConfig(stack.env), createLogger("warn", "probe"), { migrate: false });
try {
  const [channelId] = (await seedChannels(stack.db, 1, "probe")) as [string];
  const [user] = (await seedUsers(stack.db, 1, "probe")) as [SeededUser];
  await seedMembers(stack.db, [{ channelId, userId: user.id }]);
  await stack.db.query(
    `INSERT INTO "Message" (id, "channelId", seq, "authorId", "clientId", body)
     SELECT gen_random_uuid(), $1::uuid, s, $2::uuid, 'c' || s, 'message number ' || s FROM generate_series(1, 1000) s`,
    [channelId, user.id],
  );
  await stack.db.query(
    `INSERT INTO "Reaction" ("messageId", "userId", emoji) SELECT id, $2::uuid, '👍' FROM "Message"
     WHERE "channelId" = $1::uuid AND seq % 5 = 0`,
    [channelId, user.id],
  );
  await stack.db.query(`UPDATE "Channel" SET "lastSeq" = 1000 WHERE id = $1::uuid`, [channelId]);
  const actor = { id: user.id, role: "member" as const };
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (CPU per call is this process's own)`,
  );
  await timeEach("history page as it was (Prisma)", async () => {
    const { channel } = await checkCanView(services.db, actor, channelId);
    const rows = await services.db.message.findMany({
      where: { channelId, parentId: null },
      orderBy: { seq: "desc" },
      take: 51,
    });
    return { messages: await withReactions(services.db, actor.id, rows.slice(0, 50)), lastSeq: channel.lastSeq };
  });
  await timeEach("history page (prepared pg statements)", () =>
    listMessages(services, actor, channelId, { limit: 50 }),
  );
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
} finally {
  await services.close();
  await stack.cleanup();
  await cleanupRun();
}
