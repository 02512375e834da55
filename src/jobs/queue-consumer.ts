import type { AppBindings } from "../env";
import type { FeedloopEvent } from "./events";
import { createDb } from "../db/client";
import { handleResponseCompleted } from "./response-completed";

/**
 * Consumer of the feedloop-events queue. Each message is handled idempotently and acked on
 * success; a throw retries it (max_retries in wrangler.toml, then the dead-letter queue).
 */
export async function consumeEvents(batch: MessageBatch<FeedloopEvent>, env: AppBindings): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    try {
      switch (message.body.type) {
        case "response.completed":
          await handleResponseCompleted(db, env, message.body.responseId, new Date());
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
