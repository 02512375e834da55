import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { FeedloopEvent } from "../domain/queue-messages";

/**
 * A survey's logged statistics are folded at most once per window per isolate: the first completion
 * of a window sends a stats.compact delayed by the window, which then folds the whole window. Reads
 * merge what is still logged, and the cron compacts whatever a lost message left, so this only
 * trades queue messages for compaction lag.
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

/**
 * Messages of this isolate's requests wait a moment and leave together: one sendBatch per window
 * instead of one per response (the per-request send was the submit path's p99 tail: measured again
 * in issue 10, bench:ingest p99 at 10 connections 4.0–4.6× the baseline with a send per request
 * against 1.1–1.3× with this window). The window's first request keeps its context open until the
 * send; later requests only add plain message bodies to the buffer. The queue binding belongs to
 * the isolate's env, not to a request, so no request's I/O object is used by another; a window
 * whose send never ran stops holding the buffer after STALLED_SEND_MS, and the cron sweep re-drives
 * whatever a lost send left.
 */
const SEND_WINDOW_MS = 20;
/** A window whose send never ran (its request's context ended early) stops holding the buffer after this. */
const STALLED_SEND_MS = 1_000;
/** Queues accepts up to 100 messages per sendBatch. */
const MAX_SEND_BATCH = 100;
/** Per queue binding, so a message always leaves through the queue it was meant for. */
const sendBuffers = new WeakMap<Queue, { outgoing: MessageSendRequest<FeedloopEvent>[]; scheduledAt: number | null }>();

function sendSoon(c: Context<AppEnv>, messages: MessageSendRequest<FeedloopEvent>[]): void {
  const queue = c.env.EVENTS;
  let buffer = sendBuffers.get(queue);
  if (!buffer) sendBuffers.set(queue, (buffer = { outgoing: [], scheduledAt: null }));
  buffer.outgoing.push(...messages);
  const nowMs = Date.now();
  if (buffer.scheduledAt !== null && nowMs - buffer.scheduledAt < STALLED_SEND_MS) return;
  buffer.scheduledAt = nowMs;
  const window = buffer;
  c.executionCtx.waitUntil(new Promise((resolve) => setTimeout(resolve, SEND_WINDOW_MS)).then(() => sendBuffered(queue, window)));
}

async function sendBuffered(queue: Queue, buffer: { outgoing: MessageSendRequest<FeedloopEvent>[]; scheduledAt: number | null }): Promise<void> {
  const messages = buffer.outgoing.splice(0);
  buffer.scheduledAt = null;
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
  if (messages.length > 0) sendSoon(c, messages);
}
