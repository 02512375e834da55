/**
 * Messages on the feedloop-events queue. `shard` is the data shard whose rows the message is about
 * (docs/scaling.md 4.1), stamped by the sender's shard-bound EVENTS binding (src/db/shards.ts
 * shardEnv); absent means shard 0.
 */
export type FeedloopEvent = { shard?: number } & (
  | { type: "response.completed"; responseId: string }
  | { type: "outbox.deliver"; outboxId: string }
  | { type: "stats.compact"; surveyId: string }
  | { type: "bootstrap.run"; runId: string }
  /** One step of a chunked segment permutation test; the step enqueues the next one. */
  | { type: "segment-test.step"; testId: string }
  /** Score a new text (a complaint's description) whose row waits with model_version NULL. */
  | { type: "text.score"; sourceKind: "response" | "complaint"; sourceId: string }
  /** Re-score texts scored by another model version or with an old taxonomy (null: every organisation). */
  | { type: "text.rescore"; organizationId: string | null });
