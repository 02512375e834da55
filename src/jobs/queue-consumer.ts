import type { AppBindings, Db } from "../env";
import type { FeedloopEvent } from "../domain/queue-messages";
import { shardDb, shardEnv } from "../db/shards";
import { handleResponsesCompleted } from "./response-completed";
import { compactSurveyStats } from "../db/queries/stats-compaction";
import { executeBootstrapRun } from "../db/queries/bootstrap";
import { executeSegmentTestStep } from "../db/queries/segment-tests";
import { deliverOutbox, type DeliveryDeps } from "./outbox-delivery";
import { scorePendingSource } from "../db/queries/text-scores";
import { rescoreTexts } from "./text-rescore";

type ResponseCompletedEvent = Extract<FeedloopEvent, { type: "response.completed" }>;

/**
 * Consumer of the feedloop-events queue. Each message is handled idempotently and acked on
 * success; a throw retries it (max_retries in wrangler.toml, then the dead-letter queue). A webhook
 * receiver that fails is not a throw: the outbox row records the failure and schedules its retry.
 *
 * The batch's response.completed messages are followed up as one set (two D1 calls for all of
 * them: src/jobs/response-completed.ts). If the set fails, each of its messages is tried alone, so
 * one bad response retries only its own message.
 */
export async function consumeEvents(batch: MessageBatch<FeedloopEvent>, env: AppBindings, deps: DeliveryDeps = {}): Promise<void> {
  // Each message is about rows of one data shard (docs/scaling.md 4.1): handled per shard, against its database.
  const byShard = new Map<number, Message<FeedloopEvent>[]>();
  for (const message of batch.messages) {
    const shard = message.body.shard ?? 0;
    const messages = byShard.get(shard);
    if (messages) messages.push(message);
    else byShard.set(shard, [message]);
  }
  for (const [shard, messages] of byShard) await consumeShardEvents(messages, shardEnv(env, shard), shardDb(env, shard), deps);
}

async function consumeShardEvents(messages: readonly Message<FeedloopEvent>[], env: AppBindings, db: Db, deps: DeliveryDeps): Promise<void> {
  const completed = messages.filter((message) => message.body.type === "response.completed") as Message<ResponseCompletedEvent>[];
  if (completed.length > 0) {
    try {
      await handleResponsesCompleted(db, env, completed.map((message) => message.body.responseId), new Date());
      for (const message of completed) message.ack();
    } catch {
      for (const message of completed) await handleOne(message, () => handleResponsesCompleted(db, env, [message.body.responseId], new Date()));
    }
  }
  // Many completions of one survey arrive together: compact each survey once per batch.
  const compacted = new Set<string>();
  for (const message of messages) {
    const body = message.body;
    switch (body.type) {
      case "response.completed":
        break;
      case "stats.compact":
        await handleOne(message, async () => {
          if (compacted.has(body.surveyId)) return;
          compacted.add(body.surveyId);
          await compactSurveyStats(db, body.surveyId);
        });
        break;
      case "bootstrap.run":
        await handleOne(message, () => executeBootstrapRun(db, body.runId));
        break;
      case "segment-test.step":
        await handleOne(message, async () => {
          // Each step saves its state; while permutations remain, the next step is its own message.
          if (await executeSegmentTestStep(db, body.testId)) {
            const next: FeedloopEvent = { type: "segment-test.step", testId: body.testId };
            await env.EVENTS.send(next);
          }
        });
        break;
      case "text.score":
        await handleOne(message, () => scorePendingSource(db, body.sourceKind, body.sourceId, new Date(), { env }));
        break;
      case "text.rescore":
        await handleOne(message, () => rescoreTexts(db, env, body.organizationId, new Date()));
        break;
      case "outbox.deliver":
        await handleOne(message, () => deliverOutbox(db, env, body.outboxId, new Date(), deps));
        break;
      default:
        message.ack();
        break;
    }
  }
}

async function handleOne(message: Message<FeedloopEvent>, handle: () => Promise<unknown>): Promise<void> {
  try {
    await handle();
    message.ack();
  } catch (error) {
    console.error(JSON.stringify({ level: "error", message: "event handling failed; will retry", event: message.body, error: String(error) }));
    message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
  }
}
