import type { AppBindings, Db } from "../env";
import { shardDatabases, shardDb, shardEnv } from "../db/shards";
import { followUpPendingQuery } from "../db/queries/follow-up";
import { handleResponsesCompleted } from "./response-completed";
import { compactSurveyStats, surveysWithPendingStats } from "../db/queries/stats-compaction";
import { runSlaSweep } from "./sla-sweep";
import { deliverOutbox, type DeliveryDeps, dueOutboxIds } from "./outbox-delivery";
import { purgeExpiredResponses } from "./retention";
import { purgeExpiredExports } from "./export-purge";
import { emailConfig } from "../lib/email-config";
import { rescoreTexts } from "./text-rescore";
import { runScheduledReminders } from "./scheduled-reminders";
import { runReportDigests } from "./report-digests";

/** Responses followed up per set, as many as one queue batch carries (wrangler.toml max_batch_size). */
const FOLLOW_UP_SET_SIZE = 50;

/** Outbox rows delivered in parallel by one cron run (each webhook attempt times out after 5 s). */
const OUTBOX_CONCURRENCY = 5;

/**
 * Cron entry point (every 5 minutes; the daily run does the same plus the retention purge):
 *   1. responses whose follow-up never ran (lost queue message, or a send window that never ended),
 *      and statistics not yet compacted (compaction messages are debounced: src/jobs/events.ts).
 *      A response nothing follows up on is marked evaluated by its own submit batch, so it never
 *      waits here: this set holds only responses that have work (a complaint, a webhook, a handling
 *      result) and whose message went missing,
 *      Texts not yet scored, or scored by another model version (docs/text-analytics.md),
 *   2. the SLA sweep and escalations (src/jobs/sla-sweep.ts),
 *   3. survey reminders due by their survey's reminder schedule (src/jobs/scheduled-reminders.ts),
 *   4. scheduled e-mail reports whose time has come (src/jobs/report-digests.ts),
 *   5. outbox rows whose next attempt is due: retries with backoff, and anything never enqueued
 *      (e-mail paced: what the interval has no room for stays pending for the next run).
 * `scheduledTime` is the clock, so tests drive it with createScheduledController.
 */
export async function runScheduled(
  controller: Pick<ScheduledController, "cron" | "scheduledTime">,
  env: AppBindings,
  deps: DeliveryDeps = {},
): Promise<void> {
  // Every data shard in turn (docs/scaling.md 4.1); one shard's failure does not stop the others.
  const failures: unknown[] = [];
  for (let shard = 0; shard < shardDatabases(env).length; shard++) {
    await runScheduledOnShard(controller, shardEnv(env, shard), shardDb(env, shard), deps).catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw failures[0];
}

async function runScheduledOnShard(
  controller: Pick<ScheduledController, "cron" | "scheduledTime">,
  env: AppBindings,
  db: Db,
  deps: DeliveryDeps,
): Promise<void> {
  const now = new Date(controller.scheduledTime);
  const stale = (await followUpPendingQuery(db, now)).map(({ id }) => id);
  for (let i = 0; i < stale.length; i += FOLLOW_UP_SET_SIZE) {
    const ids = stale.slice(i, i + FOLLOW_UP_SET_SIZE);
    // As the queue consumer: the set in one go, and one by one if it fails (a bad response then only fails itself).
    await handleResponsesCompleted(db, env, ids, now).catch(async () => {
      for (const id of ids) {
        await handleResponsesCompleted(db, env, [id], now).catch((error: unknown) => {
          console.error(JSON.stringify({ level: "error", message: "follow-up failed; next cron run retries", responseId: id, error: String(error) }));
        });
      }
    });
  }

  // Statistics logged by submissions whose compaction message never arrived.
  for (const surveyId of await surveysWithPendingStats(db)) await compactSurveyStats(db, surveyId);

  // Texts waiting to be scored or scored by another model version (src/jobs/text-rescore.ts).
  await rescoreTexts(db, env, null, now);

  await runSlaSweep(db, env, now);
  if (controller.cron === "17 3 * * *") {
    await purgeExpiredResponses(db, now);
    await purgeExpiredExports(db, env, now);
  }
  // Only when e-mail can leave: otherwise a reminder would re-issue links no one receives.
  if (emailConfig(env).configured) await runScheduledReminders(db, env, now);
  // Likewise: a digest is recorded as sent for its period, so it is composed only when it can leave.
  if (emailConfig(env).configured) await runReportDigests(db, env, now);

  const due = await dueOutboxIds(db, now, 100, { emailConfigured: emailConfig(env).configured });
  for (let i = 0; i < due.length; i += OUTBOX_CONCURRENCY) {
    await Promise.all(
      due.slice(i, i + OUTBOX_CONCURRENCY).map((id) =>
        deliverOutbox(db, env, id, now, deps).catch((error: unknown) => {
          console.error(JSON.stringify({ level: "error", message: "outbox delivery failed", outboxId: id, error: String(error) }));
        }),
      ),
    );
  }
}
