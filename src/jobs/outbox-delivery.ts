/**
 * Delivers one outbox row: e-mails through the provider adapter, webhooks signed with Standard
 * Webhooks over `fetch`. Both are injectable (`DeliveryDeps`) so tests can put a failing receiver
 * behind them.
 *
 * Each attempt first claims the row (attempts + 1, a lease on next_attempt_at, a claim nonce), so
 * two consumers never send the same row at once; a crashed attempt is retried when the lease ends.
 * Retries: network error, 408, 429 and 5xx, with exponential backoff (1 min × 5^(n−1): 1, 5, 25,
 * 125 min; the cron re-drives due rows every 5 minutes), at most OUTBOX_MAX_ATTEMPTS attempts; then
 * `failed` with the last error. Other statuses fail at once (the receiver refused the message).
 */
import { and, eq } from "drizzle-orm";
import type { AppBindings, Db } from "../env";
import { outbox, webhookEndpoints } from "../db/schema";
import { newId, randomSecret } from "../lib/ids";
import { webhookHeaders } from "../lib/webhook-signing";
import { OUTBOX_MAX_ATTEMPTS, type OutboxRow } from "../db/queries/outbox";

export type EmailMessage = { to: string; subject: string; text: string; language?: string | null };

/** The e-mail provider port. Production would plug in an HTTP API adapter here. */
export interface EmailProvider {
  readonly name: string;
  send(message: EmailMessage): Promise<{ id: string }>;
}

/**
 * The local adapter: the outbox row *is* the record (staff read it through GET /api/outbox);
 * nothing leaves the machine.
 */
export const recordingEmailProvider: EmailProvider = {
  name: "record",
  async send() {
    return { id: `recorded_${randomSecret(12)}` };
  },
};

export type DeliveryDeps = {
  fetch?: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  email?: EmailProvider;
  /** Per-attempt webhook timeout. */
  timeoutMs?: number;
};

export type DeliveryOutcome =
  | { status: "skipped" }
  | { status: "delivered" }
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

async function claim(db: Db, outboxId: string, now: Date): Promise<{ row: OutboxRow; nonce: string } | null> {
  const nonce = randomSecret(16);
  const claimed = await db.$client
    .prepare(
      `UPDATE outbox SET attempts = attempts + 1, claim_nonce = ?1, next_attempt_at = ?2
       WHERE id = ?3 AND status = 'pending' AND next_attempt_at <= ?4 AND attempts < ?5`,
    )
    .bind(nonce, now.getTime() + LEASE_MS, outboxId, now.getTime(), OUTBOX_MAX_ATTEMPTS)
    .run();
  if ((claimed.meta.changes ?? 0) === 0) return null;
  const row = await db.query.outbox.findFirst({ where: eq(outbox.id, outboxId) });
  return row ? { row, nonce } : null;
}

async function finish(db: Db, row: OutboxRow, nonce: string, set: Partial<typeof outbox.$inferInsert>): Promise<void> {
  await db.update(outbox).set(set).where(and(eq(outbox.id, row.id), eq(outbox.claimNonce, nonce)));
}

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

async function deliverWebhook(db: Db, row: OutboxRow, nonce: string, now: Date, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const endpoint = row.endpointId
    ? await db.query.webhookEndpoints.findFirst({ where: and(eq(webhookEndpoints.id, row.endpointId), eq(webhookEndpoints.organizationId, row.organizationId)) })
    : undefined;
  if (!endpoint) return fail(db, row, nonce, "the webhook endpoint was deleted", false, now);
  if (!endpoint.active) return fail(db, row, nonce, "the webhook endpoint is disabled", false, now);
  const body = JSON.stringify(row.payload);
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = await webhookHeaders(endpoint.secret, row.id, timestamp, body);
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const started = Date.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let response: Response | null = null;
  try {
    response = await doFetch(endpoint.url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(deps.timeoutMs ?? 5000) });
    statusCode = response.status;
    // Drain so the connection can be reused; the body itself is not kept.
    await response.body?.cancel().catch(() => undefined);
  } catch (caught) {
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
  }
  await db.$client
    .prepare(
      `INSERT INTO webhook_deliveries (id, organization_id, outbox_id, endpoint_id, attempt, status_code, error, duration_ms, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(newId("whd"), row.organizationId, row.id, endpoint.id, row.attempts, statusCode, error, Date.now() - started, now.getTime())
    .run();
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
    await finish(db, row, nonce, { status: "delivered", deliveredAt: now, lastError: null, providerMessageId: `HTTP ${statusCode}` });
    return { status: "delivered" };
  }
  if (statusCode === null) return fail(db, row, nonce, `network error: ${error}`, true, now);
  return fail(db, row, nonce, `HTTP ${statusCode}`, isRetryableStatus(statusCode), now, response ? retryAfter(response) : undefined);
}

async function deliverEmail(db: Db, row: OutboxRow, nonce: string, now: Date, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const provider = deps.email ?? recordingEmailProvider;
  const payload = row.payload as EmailMessage;
  try {
    const sent = await provider.send({ to: payload.to ?? row.recipient, subject: payload.subject ?? row.subject ?? "", text: payload.text ?? "", language: payload.language });
    await finish(db, row, nonce, { status: "delivered", deliveredAt: now, lastError: null, providerMessageId: `${provider.name}:${sent.id}` });
    return { status: "delivered" };
  } catch (caught) {
    return fail(db, row, nonce, `${provider.name}: ${caught instanceof Error ? caught.message : String(caught)}`, true, now);
  }
}

export async function deliverOutbox(db: Db, _env: AppBindings, outboxId: string, now: Date, deps: DeliveryDeps = {}): Promise<DeliveryOutcome> {
  const claimed = await claim(db, outboxId, now);
  if (!claimed) return { status: "skipped" };
  const { row, nonce } = claimed;
  return row.kind === "webhook" ? deliverWebhook(db, row, nonce, now, deps) : deliverEmail(db, row, nonce, now, deps);
}

/** Pending rows whose next attempt is due (cron re-drive), oldest first. */
export async function dueOutboxIds(db: Db, now: Date, limit = 100): Promise<string[]> {
  const rows = await db.$client
    .prepare("SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?")
    .bind(now.getTime(), limit)
    .all<{ id: string }>();
  return rows.results.map((row) => row.id);
}
