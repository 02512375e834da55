import type { Context } from "hono";
import type { AppEnv } from "../env";

/** Messages on the feedloop-events queue. */
export type FeedloopEvent =
  | { type: "response.completed"; responseId: string }
  | { type: "outbox.deliver"; outboxId: string }
  | { type: "stats.compact"; surveyId: string }
  | { type: "bootstrap.run"; runId: string };

/**
 * A survey's logged statistics are folded at most once per window per isolate: the first completion
 * of a window sends a stats.compact delayed by the window, which then folds the whole window. Reads
 * merge what is still logged, and the cron compacts whatever a lost message left, so this only
 * trades queue messages for compaction lag. (A plain number per survey: nothing of a request's context is kept.)
 */
export const STATS_COMPACT_WINDOW_SECONDS = 10;
const MAX_TRACKED_SURVEYS = 1_000;
const compactionScheduledUntil = new Map<string, number>();

function compactionDue(surveyId: string, nowMs: number): boolean {
  if ((compactionScheduledUntil.get(surveyId) ?? 0) > nowMs) return false;
  if (compactionScheduledUntil.size >= MAX_TRACKED_SURVEYS) compactionScheduledUntil.clear();
  compactionScheduledUntil.set(surveyId, nowMs + STATS_COMPACT_WINDOW_SECONDS * 1000);
  return true;
}

/** Queues accepts up to 100 messages per sendBatch. */
const MAX_SEND_BATCH = 100;

/**
 * A request's messages leave in that request's own waitUntil. Nothing about the send is kept in the
 * isolate for a later request to finish (an earlier buffer shared across requests let one request's
 * timer send another's messages, which Workers do not allow to depend on: a request's context may
 * end before its timer runs). Most completions send nothing at all (no follow-up, compaction already
 * due), so one send per request that has something to say costs little.
 */
function sendInBackground(c: Context<AppEnv>, messages: MessageSendRequest<FeedloopEvent>[]): void {
  c.executionCtx.waitUntil(sendAll(c.env.EVENTS, messages));
}

async function sendAll(queue: Queue, messages: MessageSendRequest<FeedloopEvent>[]): Promise<void> {
  for (let i = 0; i < messages.length; i += MAX_SEND_BATCH) {
    const batch = messages.slice(i, i + MAX_SEND_BATCH);
    await queue.sendBatch(batch).catch((error: unknown) => {
      const responseIds = batch.flatMap(({ body }) => (body.type === "response.completed" ? [body.responseId] : []));
      console.warn(JSON.stringify({ level: "warn", message: "queue send failed; cron will retry", responseIds, error: String(error) }));
    });
  }
}

/**
 * Queue work after a completion, off the submit path: `response.completed` only when the consumer
 * has work for the response (`followUpPending`: complaint triggers matched, a handling-survey
 * case_id, or a response.completed webhook subscriber — decided in the write, which marks the
 * others evaluated), and the debounced `stats.compact`. If a send fails, or the isolate ends before
 * the window's send, the response is still stored with triggers_evaluated_at = NULL and the cron
 * sweep picks it up; logged statistics are compacted by the cron: nothing is lost.
 */
export function enqueueResponseCompleted(c: Context<AppEnv>, outcome: { id: string; followUpPending: boolean }, surveyId: string): void {
  const messages: MessageSendRequest<FeedloopEvent>[] = [];
  if (outcome.followUpPending) messages.push({ body: { type: "response.completed", responseId: outcome.id } });
  if (compactionDue(surveyId, Date.now())) {
    messages.push({ body: { type: "stats.compact", surveyId }, delaySeconds: STATS_COMPACT_WINDOW_SECONDS });
  }
  if (messages.length > 0) sendInBackground(c, messages);
}
