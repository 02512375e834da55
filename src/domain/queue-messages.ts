/** Messages on the feedloop-events queue. */
export type FeedloopEvent =
  | { type: "response.completed"; responseId: string }
  | { type: "outbox.deliver"; outboxId: string }
  | { type: "stats.compact"; surveyId: string }
  | { type: "bootstrap.run"; runId: string }
  /** One step of a chunked segment permutation test; the step enqueues the next one. */
  | { type: "segment-test.step"; testId: string };
