// CPU and wall time of checkMember (every typing frame, notify.setFocus): as it was on Prisma (findUnique
// with the channel, then a count for a non-member) against the prepared `pg` statement it is now.
// Run: cd api && KAFKA_PORT=9192 node --import tsx bench/probes/check-member.ts (services up).
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { checkMember } from "../../src/messages/checks.js";
import { startServices } from "../../src/start-services.js";
import { type SeededUser, seedChannels, seedMembers, seedUsers } from "../lib/seed.js";
import { cleanupRun, createStack } from "../lib/stack.js";
import { timeEach } from "./time-each.js";

const stack = await createStack("probe-member");
const services = await startServices(loadConfig(stack.env), createLogger("warn", "probe"), { migrate: false });
try {
  const [channelId] = (await seedChannels(stack.db, 1, "probe")) as [string];
  const [user] = (await seedUsers(stack.db, 1, "probe")) as [SeededUser];
  await seedMembers(stack.db, [{ channelId, userId: user.id }]);
  await timeEach("checkMember as it was (Prisma findUnique + include)", () =>
    services.db.channelMember.findUnique({
      where: { channelId_userId: { channelId, userId: user.id } },
      include: { channel: { select: { id: true, kind: true, archivedAt: true, lastSeq: true } } },
    }),
  );
  await timeEach("checkMember (one prepared pg statement)", () => checkMember(services.sql, user.id, channelId));
} finally {
  await services.close();
  await stack.cleanup();
  await cleanupRun();
}
