// Replaying the persister's dead letters from the dashboard: the events go back onto the log, and the audit
// log records who replayed how many. (The replay and the audit entry are not one transaction, Kafka and
// PostgreSQL being two stores: the entry is written once the log took the events, so it never claims a
// replay that did not happen.)
import type { SessionUser } from "../accounts/sessions.js";
import { recordAudit } from "../audit/record.js";
import type { Services } from "../services.js";

export async function doReplayDeadLetters(services: Services, actor: Pick<SessionUser, "id">): Promise<number> {
  const replayed = await services.log.replayDeadLetters();
  services.logger.info({ by: actor.id, replayed }, "dead letters replayed from the dashboard");
  await recordAudit(services.db, {
    actorId: actor.id,
    action: "ops.dead_letters_replayed",
    details: { replayed },
  });
  return replayed;
}
