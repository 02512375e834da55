import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ProblemError } from "./problem";

/**
 * Abuse protection for public endpoints, with the Workers Rate Limiting binding (per colo, per
 * 60 s window): PUBLIC_IP_LIMITER per client IP, SURVEY_LIMITER per survey. Limits are in
 * wrangler.toml and documented in the README. RATE_LIMITS = "off" disables them for benchmarks.
 */
export function clientIp(c: Context<AppEnv>): string | null {
  // Only cf-connecting-ip is set by Cloudflare itself; x-real-ip would be the client's own choice.
  return c.req.header("cf-connecting-ip") ?? null;
}

export async function enforcePublicRateLimit(c: Context<AppEnv>, surveySlug: string): Promise<void> {
  if (c.env.RATE_LIMITS === "off") return;
  const ip = clientIp(c) ?? "unknown";
  const [perIp, perSurvey] = await Promise.all([
    c.env.PUBLIC_IP_LIMITER.limit({ key: `ip:${ip}` }),
    c.env.SURVEY_LIMITER.limit({ key: `survey:${surveySlug}` }),
  ]);
  if (!perIp.success) throw new ProblemError("rate-limited", "Too many submissions from your network in the last minute; wait a minute and try again.");
  if (!perSurvey.success) throw new ProblemError("rate-limited", "This survey is receiving more submissions than it can take right now; try again in a minute.");
}
