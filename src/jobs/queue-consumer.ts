import type { AppBindings } from "../env";
import type { FeedloopEvent } from "../domain/queue-messages";
import { createDb } from "../db/client";
import { handleResponseCompleted } from "./response-completed";
import { compactSurveyStats } from "../db/queries/stats-compaction";
import { executeBootstrapRun } from "../db/queries/bootstrap";
import { deliverOutbox, type DeliveryDeps } from "./outbox-delivery";
import { scorePendingSource } from "../db/queries/text-scores";
import { rescoreTexts } from "./text-rescore";

/**
 * Consumer of the feedloop-events queue. Each message is handled idempotently and acked on
 * success; a throw retries it (max_retries in wrangler.toml, then the dead-letter queue). A webhook
 * receiver that fails is not a throw: the outbox row records the failure and schedules its retry.
 */
export async function consumeEvents(batch: MessageBatch<FeedloopEvent>, env: AppBindings, deps: DeliveryDeps = {}): Promise<void> {
  const db = createDb(env.DB);
  // Many completions of one survey arrive together: compact each survey once per batch.
  const compacted = new Set<string>();
  for (const message of batch.messages) {
    try {
      switch (message.body.type) {
        case "response.completed":
          await handleResponseCompleted(db, env, message.body.responseId, new Date());
          break;
        case "stats.compact":
          if (!compacted.has(message.body.surveyId)) {
            compacted.add(message.body.surveyId);
            await compactSurveyStats(db, message.body.surveyId);
          }
          break;
        case "bootstrap.run":
          await executeBootstrapRun(db, message.body.runId);
          break;
        case "text.score":
          await scorePendingSource(db, message.body.sourceKind, message.body.sourceId, new Date());
          break;
        case "text.rescore":
          await rescoreTexts(db, env, message.body.organizationId, new Date());
          break;
        case "outbox.deliver":
          await deliverOutbox(db, env, message.body.outboxId, new Date(), deps);
          break;
        default:
          break;
      }
      message.ack();
    } catch (error) {
      console.error(JSON.stringify({ level: "error", message: "event handling failed; will retry", event: message.body, error: String(error) }));
      message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
    }
  }
}
