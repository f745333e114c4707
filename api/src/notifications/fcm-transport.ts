// FCM through firebase-admin, to every device of each recipient. Per device: accepted; a dead token
// (UNREGISTERED, invalid, another project's) is forgotten at once; a busy or failing FCM (429, 5xx, network)
// is asked again with exponential backoff; whatever is refused for good, or still failing after the last
// attempt, is written to PushDeadLetter with FCM's code, so nothing refused goes unrecorded.
import type { Messaging, SendResponse, TokenMessage } from "firebase-admin/messaging";
import type { Logger } from "pino";
import { groupBy } from "../lib/group-by.js";
import type { Sql } from "../lib/sql.js";
import { devicesOf, type PushTarget, pruneDevices } from "./devices.js";
import { backoffMs, verdictOf } from "./fcm-errors.js";
import { fcmMessage } from "./fcm-message.js";
import type { DeliveryReport, Outgoing, Transport } from "./transport.js";

/** sendEach() takes at most 500 messages. */
const CHUNK = 500;

export interface RetryPolicy {
  /** Sends per message, the first included. */
  attempts: number;
  /** Backoff before the second attempt; doubled for each further one. */
  baseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500 };

interface Job {
  outgoing: Outgoing;
  device: PushTarget;
  message: TokenMessage;
}

export class FcmTransport implements Transport {
  readonly name = "fcm";

  constructor(
    private readonly messaging: Messaging,
    private readonly sql: Sql,
    private readonly logger: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {}

  async deliver(outgoing: readonly Outgoing[]): Promise<DeliveryReport> {
    const devices = await devicesOf(
      this.sql,
      outgoing.map((o) => o.userId),
    );
    const byUser = groupBy(
      devices,
      (d) => d.userId,
      (d) => d,
    );
    let jobs: Job[] = outgoing.flatMap((o) =>
      (byUser.get(o.userId) ?? []).map((device) => ({
        outgoing: o,
        device,
        message: fcmMessage(device, o.notification),
      })),
    );
    const report: DeliveryReport = { sent: 0, failed: 0 };
    const dead: { job: Job; code: string; reason: string }[] = [];
    for (let attempt = 1; jobs.length > 0; attempt++) {
      const responses = await this.sendAll(jobs.map((j) => j.message));
      const again: Job[] = [];
      const pruned: Job[] = [];
      responses.forEach((response, i) => {
        const job = jobs[i] as Job;
        if (response.success) {
          report.sent++;
          return;
        }
        const code = response.error?.code ?? "unknown";
        const verdict = verdictOf(code);
        if (verdict === "prune") pruned.push(job);
        else if (verdict === "retry" && attempt < this.retry.attempts) again.push(job);
        else dead.push({ job, code, reason: response.error?.message ?? code });
      });
      if (pruned.length > 0) {
        await pruneDevices(
          this.sql,
          pruned.map((j) => j.device.deviceId),
        );
        this.logger.info({ devices: pruned.length }, "forgot push tokens FCM reported dead");
        report.failed += pruned.length;
      }
      jobs = again;
      if (jobs.length > 0) await new Promise((r) => setTimeout(r, backoffMs(attempt, this.retry.baseMs)));
    }
    report.failed += dead.length;
    await this.deadLetter(dead);
    return report;
  }

  private async sendAll(messages: TokenMessage[]): Promise<SendResponse[]> {
    const responses: SendResponse[] = [];
    for (let i = 0; i < messages.length; i += CHUNK) {
      const { responses: part } = await this.messaging.sendEach(messages.slice(i, i + CHUNK));
      responses.push(...part);
    }
    return responses;
  }

  private async deadLetter(dead: { job: Job; code: string; reason: string }[]) {
    if (dead.length === 0) return;
    this.logger.warn({ count: dead.length, codes: [...new Set(dead.map((d) => d.code))] }, "pushes dead-lettered");
    await this.sql.query(
      `INSERT INTO "PushDeadLetter" ("userId", "deviceId", "eventId", code, reason, payload)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[])`,
      [
        dead.map((d) => d.job.outgoing.userId),
        dead.map((d) => d.job.device.deviceId),
        dead.map((d) => d.job.outgoing.notification.eventId),
        dead.map((d) => d.code),
        dead.map((d) => d.reason.slice(0, 2000)),
        dead.map((d) => JSON.stringify(d.job.outgoing.notification)),
      ],
    );
  }
}
