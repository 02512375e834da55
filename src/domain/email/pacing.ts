/**
 * Pacing the outbox to Cloudflare Email Service's sending rate: at most `limit` messages per
 * `intervalSeconds` leave (the outbox claims no more e-mail rows until the interval has room; the
 * rest stay pending for the next run), and a refusal that says "rate limited" is tried again later
 * without counting as a failed attempt.
 */

/** The default when `EMAIL_SEND_LIMIT` / `EMAIL_SEND_INTERVAL_SECONDS` are not set: 50 e-mails a minute. */
export const DEFAULT_EMAIL_PACING = { limit: 50, intervalSeconds: 60 } as const;

/** The pacing a deployment asked for; an unset or unusable value falls back to the default (an empty or 0 limit is not "unlimited"). */
export function parseEmailPacing(vars: { limit?: string | null; intervalSeconds?: string | null }): { limit: number; intervalMs: number } {
  const wholeNumber = (value: string | null | undefined, fallback: number, max: number) => {
    const parsed = Number((value ?? "").trim());
    return Number.isInteger(parsed) && parsed >= 1 && parsed <= max ? parsed : fallback;
  };
  return {
    limit: wholeNumber(vars.limit, DEFAULT_EMAIL_PACING.limit, 100_000),
    intervalMs: wholeNumber(vars.intervalSeconds, DEFAULT_EMAIL_PACING.intervalSeconds, 86_400) * 1000,
  };
}

/** How the binding's refusals say "slow down" (HTTP 429, "rate limit", "too many", a daily quota). */
const RATE_LIMITED = /\b429\b|rate[ _-]?limit|too many (?:requests|messages|emails)|(?:daily|sending) (?:limit|quota)|quota exceeded|throttl/i;

/** Does this send error mean "not now" rather than "not this message"? */
export function isRateLimitRefusal(error: unknown): boolean {
  if (error && typeof error === "object" && "code" in error && typeof error.code === "string" && RATE_LIMITED.test(error.code)) return true;
  const text = error instanceof Error ? error.message : String(error);
  return RATE_LIMITED.test(text);
}
