/**
 * Delivers one outbox row: e-mails through Cloudflare Email Service (the `EMAIL` send_email binding,
 * src/jobs/email-sender.ts), webhooks signed with Standard Webhooks over `fetch`. Both are injectable
 * (`DeliveryDeps`) so tests can put a failing receiver behind them or read the sent message back.
 *
 * E-mail is delivered only when the binding accepted the message. Without a configured e-mail
 * channel (src/lib/email-config.ts) e-mail rows are not touched at all: they stay pending, with no
 * attempt counted, until the deployment configures it.
 *
 * Each attempt first claims the row (attempts + 1, a lease on next_attempt_at, a claim nonce), so
 * two consumers never send the same row at once; a crashed attempt is retried when the lease ends.
 * E-mail is paced (src/domain/email/pacing.ts, EMAIL_SEND_LIMIT per EMAIL_SEND_INTERVAL_SECONDS):
 * beyond the limit a row is not claimed and stays pending for the next run, and a "rate limited"
 * refusal puts it back without counting the attempt. The SQL is in src/db/queries/outbox.ts.
 * Retries: network error, 408, 429 and 5xx, with exponential backoff (1 min × 5^(n−1): 1, 5, 25,
 * 125 min; the cron re-drives due rows every 5 minutes), at most OUTBOX_MAX_ATTEMPTS attempts; then
 * `failed` with the last error. Other statuses fail at once (the receiver refused the message),
 * and so does a URL the target rules no longer allow (src/domain/webhook-target.ts).
 */
import type { AppBindings, Db, Principal } from "../env";
import { newId, randomSecret } from "../lib/ids";
import { webhookHeaders } from "../lib/webhook-signing";
import { webhookTargetRefusal, webhookTargetRules } from "../domain/webhook-target";
import { WEBHOOK_TEST_EVENT_TYPE } from "../domain/webhook-events";
import { isRateLimitRefusal } from "../domain/email/pacing";
import {
  claimOutboxRow,
  finishOutboxRow,
  OUTBOX_MAX_ATTEMPTS,
  recordWebhookDelivery,
  releaseOutboxClaim,
  webhookEndpointForRow,
  type OutboxRow,
} from "../db/queries/outbox";
import { getWebhookEndpoint, TEST_MESSAGE_PREFIX } from "../db/queries/webhooks";
import { auditInsert } from "../db/queries/audit";
import { ProblemError } from "../lib/problem";
import { emailConfig, emailPacing } from "../lib/email-config";
import { bindingTransport, prepareOutboxEmail, type MailTransport } from "./email-sender";

export { dueOutboxIds } from "../db/queries/outbox";

export type DeliveryDeps = {
  fetch?: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  /** Replaces the binding transport (tests: a failing transport, or one that records and forwards to the binding). */
  email?: MailTransport;
  /** Per-attempt webhook timeout. */
  timeoutMs?: number;
};

export type DeliveryOutcome =
  | { status: "skipped" }
  | { status: "delivered" }
  /** Email Service asked to slow down: pending again at `nextAttemptAt`, no attempt counted. */
  | { status: "paced"; nextAttemptAt: Date }
  | { status: "retry"; nextAttemptAt: Date; error: string }
  | { status: "failed"; error: string };

const LEASE_MS = 2 * 60_000;
const BASE_BACKOFF_MS = 60_000;

/** Delay after the n-th failed attempt (n ≥ 1). */
export function outboxBackoffMs(failedAttempts: number): number {
  return BASE_BACKOFF_MS * 5 ** Math.max(0, failedAttempts - 1);
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

async function claim(db: Db, env: AppBindings, outboxId: string, now: Date): Promise<{ row: OutboxRow; nonce: string } | null> {
  const nonce = randomSecret(16);
  const row = await claimOutboxRow(db, outboxId, now, { emailConfigured: emailConfig(env).configured, leaseMs: LEASE_MS, nonce, pacing: emailPacing(env) });
  return row ? { row, nonce } : null;
}

const finish = finishOutboxRow;

async function fail(db: Db, row: OutboxRow, nonce: string, error: string, retryable: boolean, now: Date, retryAfterMs?: number): Promise<DeliveryOutcome> {
  if (retryable && row.attempts < OUTBOX_MAX_ATTEMPTS) {
    const nextAttemptAt = new Date(now.getTime() + Math.max(outboxBackoffMs(row.attempts), retryAfterMs ?? 0));
    await finish(db, row, nonce, { lastError: error, nextAttemptAt });
    return { status: "retry", nextAttemptAt, error };
  }
  const final = retryable ? `${error} (gave up after ${row.attempts} attempts)` : error;
  await finish(db, row, nonce, { status: "failed", lastError: final });
  return { status: "failed", error: final };
}

function retryAfter(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  // Honour the receiver's wish up to two hours; larger values would only starve the row.
  if (Number.isFinite(seconds)) return Math.min(seconds, 7200) * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.min(Math.max(0, date - Date.now()), 7_200_000) : undefined;
}

export type WebhookAttempt =
  | { outcome: "answered"; statusCode: number; durationMs: number; response: Response }
  | { outcome: "timeout"; durationMs: number; error: string }
  | { outcome: "network_error"; durationMs: number; error: string }
  /** The URL is not an allowed target (src/domain/webhook-target.ts); nothing was sent. */
  | { outcome: "refused"; durationMs: 0; error: string };

export const WEBHOOK_TIMEOUT_MS = 5000;

/** What the delivery log and problems say about a failed connection, instead of the runtime's error text. */
export const FETCH_FAILED = "the connection failed (host name, port, TLS certificate or a refused connection)";

/**
 * One signed POST to a receiver. Real deliveries and test sends both go through here, so they
 * share the signing, the target check (again at send time: the rules may be stricter than when
 * the URL was saved), redirects not followed, and a hard timeout — the timer wins even if a
 * fetch implementation ignores its abort signal, so no caller waits longer than `timeoutMs`.
 */
export async function sendSignedWebhook(
  target: { url: string; secret: string },
  message: { id: string; body: string },
  now: Date,
  options: { appEnv: string | undefined } & Pick<DeliveryDeps, "fetch" | "timeoutMs">,
): Promise<WebhookAttempt> {
  const refusal = webhookTargetRefusal(target.url, webhookTargetRules(options.appEnv));
  if (refusal) return { outcome: "refused", durationMs: 0, error: `the webhook URL ${refusal.message}` };
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const headers = await webhookHeaders(target.secret, message.id, Math.floor(now.getTime() / 1000), message.body);
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError");
      abort.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const started = Date.now();
  try {
    const response = await Promise.race([
      doFetch(target.url, { method: "POST", headers, body: message.body, redirect: "manual", signal: abort.signal }),
      timedOut,
    ]);
    const durationMs = Date.now() - started;
    // Drain so the connection can be reused; the body itself is not kept.
    await response.body?.cancel().catch(() => undefined);
    return { outcome: "answered", statusCode: response.status, durationMs, response };
  } catch (caught) {
    const durationMs = Date.now() - started;
    // The runtime's own text (addresses it tried, resolver and TLS internals) goes to the operator's
    // log only; staff see what they can act on.
    console.warn(JSON.stringify({ level: "warn", message: "webhook fetch failed", target: target.url, error: caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught) }));
    return abort.signal.aborted
      ? { outcome: "timeout", durationMs, error: `no answer within ${timeoutMs} ms` }
      : { outcome: "network_error", durationMs, error: FETCH_FAILED };
  } finally {
    clearTimeout(timer);
  }
}

async function deliverWebhook(db: Db, env: AppBindings, row: OutboxRow, nonce: string, now: Date, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const endpoint = await webhookEndpointForRow(db, row);
  if (!endpoint) return fail(db, row, nonce, "the webhook endpoint was deleted", false, now);
  if (!endpoint.active) return fail(db, row, nonce, "the webhook endpoint is disabled", false, now);
  const attempt = await sendSignedWebhook(endpoint, { id: row.id, body: JSON.stringify(row.payload) }, now, { appEnv: env.APP_ENV, fetch: deps.fetch, timeoutMs: deps.timeoutMs });
  const statusCode = attempt.outcome === "answered" ? attempt.statusCode : null;
  await recordWebhookDelivery(db, {
    organizationId: row.organizationId,
    outboxId: row.id,
    endpointId: endpoint.id,
    attempt: row.attempts,
    statusCode,
    error: attempt.outcome === "answered" ? null : attempt.error,
    durationMs: attempt.durationMs,
    at: now,
  });
  if (attempt.outcome === "refused") return fail(db, row, nonce, attempt.error, false, now);
  if (attempt.outcome !== "answered") return fail(db, row, nonce, `network error: ${attempt.error}`, true, now);
  if (attempt.statusCode >= 200 && attempt.statusCode < 300) {
    await finish(db, row, nonce, { status: "delivered", deliveredAt: now, lastError: null, providerMessageId: `HTTP ${attempt.statusCode}` });
    return { status: "delivered" };
  }
  return fail(db, row, nonce, `HTTP ${attempt.statusCode}`, isRetryableStatus(attempt.statusCode), now, retryAfter(attempt.response));
}

export type WebhookTestResult = {
  endpointId: string;
  url: string;
  /** The `webhook-id` of the test message. */
  messageId: string;
  eventType: typeof WEBHOOK_TEST_EVENT_TYPE;
  statusCode: number;
  /** The receiver answered 2xx. */
  accepted: boolean;
  latencyMs: number;
};

/**
 * Sends a signed `webhook.test` event to one of the organisation's endpoints at once (enabled or
 * not), outside the outbox: no retry, the answer is what the receiver said. The attempt is in the
 * endpoint's delivery log like any other (marked a test by its message id, TEST_MESSAGE_PREFIX),
 * so the admin finds there what was sent; a refused URL sent nothing and logs nothing. Another organisation's endpoint is "not found". Timeouts and unreachable receivers are
 * problems (504, 502) so the admin sees at once what to fix.
 */
export async function sendTestWebhook(db: Db, env: AppBindings, principal: Principal, endpointId: string, now: Date, deps: DeliveryDeps = {}): Promise<WebhookTestResult> {
  const endpoint = await getWebhookEndpoint(db, principal.organizationId, endpointId);
  const messageId = newId(TEST_MESSAGE_PREFIX);
  const payload = {
    id: messageId,
    type: WEBHOOK_TEST_EVENT_TYPE,
    timestamp: now.toISOString(),
    data: { endpointId: endpoint.id, subscribedEvents: endpoint.events, message: "A test event from Feedloop: your endpoint is reachable and can check the signature." },
  };
  const timeoutMs = deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const attempt = await sendSignedWebhook(endpoint, { id: messageId, body: JSON.stringify(payload) }, now, { appEnv: env.APP_ENV, fetch: deps.fetch, timeoutMs });
  if (attempt.outcome !== "refused") {
    await recordWebhookDelivery(db, {
      organizationId: principal.organizationId,
      outboxId: messageId,
      endpointId: endpoint.id,
      attempt: 1,
      statusCode: attempt.outcome === "answered" ? attempt.statusCode : null,
      error: attempt.outcome === "answered" ? null : attempt.error,
      durationMs: attempt.durationMs,
      at: now,
    });
  }
  await auditInsert(db, principal, {
    action: "webhook.tested",
    targetType: "webhook_endpoint",
    targetId: endpoint.id,
    data: attempt.outcome === "answered" ? { statusCode: attempt.statusCode, latencyMs: attempt.durationMs } : { outcome: attempt.outcome },
  });
  switch (attempt.outcome) {
    case "answered":
      return {
        endpointId: endpoint.id,
        url: endpoint.url,
        messageId,
        eventType: WEBHOOK_TEST_EVENT_TYPE,
        statusCode: attempt.statusCode,
        accepted: attempt.statusCode >= 200 && attempt.statusCode < 300,
        latencyMs: attempt.durationMs,
      };
    case "refused":
      throw new ProblemError("conflict", `Nothing was sent: ${attempt.error}. Change the URL with PATCH /api/webhooks/${endpoint.id}.`, {
        errors: [{ field: "url", code: "not_allowed", message: attempt.error }],
      });
    case "timeout":
      throw new ProblemError("webhook-receiver-timeout", `The receiver at ${endpoint.url} did not answer within ${timeoutMs / 1000} s. Check that it answers quickly (queue slow work) and try again.`, {
        extensions: { endpointId: endpoint.id, latencyMs: attempt.durationMs, timeoutMs },
      });
    case "network_error":
      throw new ProblemError("webhook-receiver-unreachable", `The receiver at ${endpoint.url} could not be reached: ${attempt.error}. Check the host name, port and TLS certificate.`, {
        extensions: { endpointId: endpoint.id, latencyMs: attempt.durationMs },
      });
  }
}

async function deliverEmail(db: Db, env: AppBindings, row: OutboxRow, nonce: string, now: Date, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const config = emailConfig(env);
  // claim() takes e-mail rows only when configured; this keeps the types honest.
  if (!config.configured) return fail(db, row, nonce, `e-mail is not configured: ${config.reason}`, true, now);
  const transport = deps.email ?? bindingTransport(config.binding);
  let prepared;
  try {
    prepared = await prepareOutboxEmail(db, env, config, row, now);
  } catch (caught) {
    // A message that cannot be built (an address the RFC refuses, …) will not build on a retry either.
    return fail(db, row, nonce, `the message could not be built: ${caught instanceof Error ? caught.message : String(caught)}`, false, now);
  }
  if (prepared.kind === "skip") return fail(db, row, nonce, prepared.reason, false, now);
  try {
    const sent = await transport.send(prepared.message);
    await finish(db, row, nonce, { status: "delivered", deliveredAt: now, lastError: null, providerMessageId: `${transport.name}:${sent.id}` });
    return { status: "delivered" };
  } catch (caught) {
    const reason = `${transport.name}: ${caught instanceof Error ? caught.message : String(caught)}`;
    if (isRateLimitRefusal(caught)) {
      // "Not now", not "not this message": back to pending for the next pacing interval, no attempt counted.
      const retryAt = new Date(now.getTime() + emailPacing(env).intervalMs);
      await releaseOutboxClaim(db, row, nonce, retryAt, `rate limited, retried later: ${reason}`);
      return { status: "paced", nextAttemptAt: retryAt };
    }
    // The binding refused or failed (unverified sender, outage): retried with the backoff.
    return fail(db, row, nonce, reason, true, now);
  }
}

export async function deliverOutbox(db: Db, env: AppBindings, outboxId: string, now: Date, deps: DeliveryDeps = {}): Promise<DeliveryOutcome> {
  const claimed = await claim(db, env, outboxId, now);
  if (!claimed) return { status: "skipped" };
  const { row, nonce } = claimed;
  return row.kind === "webhook" ? deliverWebhook(db, env, row, nonce, now, deps) : deliverEmail(db, env, row, nonce, now, deps);
}
