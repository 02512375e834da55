import type { Context } from "hono";
import type { AppEnv } from "../env";

/** Messages on the feedloop-events queue. */
export type FeedloopEvent =
  | { type: "response.completed"; responseId: string }
  | { type: "outbox.deliver"; outboxId: string }
  | { type: "stats.compact"; surveyId: string }
  | { type: "bootstrap.run"; runId: string };

/**
 * Hands follow-up work for a completed response (complaint triggers, webhooks) to the queue, off
 * the submit path. If the send itself fails the response is still stored with
 * triggers_evaluated_at = NULL, and the cron sweep picks it up: nothing is lost.
 */
export function enqueueResponseCompleted(c: Context<AppEnv>, responseId: string, surveyId: string): void {
  const messages: FeedloopEvent[] = [
    { type: "response.completed", responseId },
    // Fold the response's logged statistics into the day buckets soon; the cron catches misses.
    { type: "stats.compact", surveyId },
  ];
  c.executionCtx.waitUntil(
    c.env.EVENTS.sendBatch(messages.map((body) => ({ body }))).catch((error: unknown) => {
      console.warn(JSON.stringify({ level: "warn", message: "queue send failed; cron will retry", responseId, error: String(error) }));
    }),
  );
}
