/**
 * Bench Worker for `npm run bench:text`: scores the comments it is sent with the committed text
 * engine inside workerd. Workerd freezes its clocks during computation, so the time is measured
 * outside, as the round trip of N comments minus the round trip of the same request scoring none.
 */
import { defaultTextEngine } from "../src/domain/text";

export default {
  async fetch(request: Request): Promise<Response> {
    const { comments, score } = (await request.json()) as { comments: string[]; score: boolean };
    const engine = defaultTextEngine();
    let positives = 0;
    if (score) for (const comment of comments) if (engine.analyze(comment).sentiment === "positive") positives++;
    return Response.json({ scored: score ? comments.length : 0, positives, version: engine.version });
  },
};
