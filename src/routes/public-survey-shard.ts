import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { surveySlugPlacement } from "../db/shards";
import { bindPlacement } from "../auth/shard-binding";

const PUBLIC_SURVEY_PATH = /^\/(?:s|api\/public\/surveys)\/([^/]+)/;

/**
 * Binds `/s/:slug…` and `/api/public/surveys/:slug…` to the shard holding the survey. On a warm
 * isolate the slug's placement is cached (src/db/shards.ts), so the submit path reads nothing from
 * the control plane; a submit to an organisation being moved is refused with 503 + Retry-After.
 */
export const publicSurveyShard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const match = PUBLIC_SURVEY_PATH.exec(new URL(c.req.url).pathname);
  if (match) {
    let slug: string;
    try {
      slug = decodeURIComponent(match[1]!);
    } catch {
      slug = match[1]!;
    }
    bindPlacement(c, await surveySlugPlacement(c.env, slug));
  }
  await next();
};
