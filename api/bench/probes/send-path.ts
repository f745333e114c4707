// CPU and wall time of each step of the send path (messages/actions.ts sendMessage), one call at a time,
// on a private stack: which step a faster send must cut. Run: cd api && node --import tsx bench/probes/send-path.ts
// (services up: bash ops/services up).
import { randomUUID } from "node:crypto";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { enforceLimit } from "../../src/lib/rate-limit.js";
import { checkCanPost, checkCanSend } from "../../src/messages/checks.js";
import type { PendingChannelEvent } from "../../src/realtime/channel-events.js";
import { emitChannelEvents } from "../../src/realtime/emit.js";
import { startServices } from "../../src/start-services.js";
import { type SeededUser, seedChannels, seedMembers, seedUsers } from "../lib/seed.js";
import { cleanupRun, createStack } from "../lib/stack.js";
import { timeEach } from "./time-each.js";

const stack = await createStack("probe-send");
const services = await startServices(loadConfig(stack.env), createLogger("warn", "probe"), { migrate: false });
try {
  const [channelId] = (await seedChannels(stack.db, 1, "probe")) as [string];
  const [user] = (await seedUsers(stack.db, 1, "probe")) as [SeededUser];
  await seedMembers(stack.db, [{ channelId, userId: user.id }]);
  const { db, sql, kv, log } = services;
  await timeEach("checkCanSend (pg, the send path's one query)", (i) => checkCanSend(sql, user.id, channelId, `s${i}`));
  await timeEach("checkCanPost (pg)", () => checkCanPost(sql, user.id, channelId));
  await timeEach("checkCanPost as it was (Prisma findUnique + include)", () =>
    db.channelMember.findUnique({
      where: { channelId_userId: { channelId, userId: user.id } },
      include: { channel: { select: { id: true, kind: true, archivedAt: true, lastSeq: true } } },
    }),
  );
  await timeEach("message.findUnique by (authorId, clientId)", (i) =>
    db.message.findUnique({ where: { authorId_clientId: { authorId: user.id, clientId: `c${i}` } } }),
  );
  await timeEach(
    "the same lookup with $queryRaw",
    (i) => db.$queryRaw`SELECT id FROM "Message" WHERE "authorId" = ${user.id}::uuid AND "clientId" = ${`c${i}`}`,
  );
  await timeEach("the same lookup with pg", (i) =>
    stack.db.query(`SELECT id FROM "Message" WHERE "authorId" = $1 AND "clientId" = $2`, [user.id, `c${i}`]),
  );
  await timeEach("enforceLimit (Redis MULTI INCR PTTL)", () =>
    enforceLimit(kv, { name: "send", max: 1e9, windowMs: 10_000 }, user.id),
  );
  await timeEach("kv.setIfAbsent (Redis SET NX PX)", (i) => kv.setIfAbsent(`probe:${i}`, "x".repeat(300), 60_000));
  await timeEach("emitChannelEvents (Kafka, acks=all)", (i) =>
    emitChannelEvents(log, [
      {
        type: "messageCreated",
        channelId,
        actorId: user.id,
        data: { messageId: randomUUID(), clientId: `k${i}`, body: "hello", parentId: null },
      } as PendingChannelEvent,
    ]),
  );
} finally {
  await services.close();
  await stack.cleanup();
  await cleanupRun();
}
