/**
 * The notification outbox: rows written in the same batch as the change they announce, delivered
 * by the queue consumer (src/jobs/outbox-delivery.ts), re-driven by the cron. Staff can read the
 * recorded e-mails (locally the e-mail adapter only records them).
 */
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { AppBindings, Db } from "../../env";
import { outbox, webhookEndpoints } from "../schema";
import { newId } from "../../lib/ids";
import type { EmailContent } from "../../domain/complaints/emails";
import type { FeedloopEvent } from "../../domain/queue-messages";
import { describePlaceholders } from "../../domain/email/placeholders";

export type OutboxRow = typeof outbox.$inferSelect;

/** Give up after this many attempts; the row is then `failed` with its last error. */
export const OUTBOX_MAX_ATTEMPTS = 5;

/** Where staff notices link to: the complaint page of the staff desk. */
export const STAFF_DESK_COMPLAINT_PATH = "/app/complaints/";

/** Column → value map for one outbox insert (see complaints-sql.ts gatedInsert). */
export type OutboxInsert = Record<string, unknown> & { id: string };

/**
 * An e-mail as the outbox stores it. Links that are secrets appear only as placeholders
 * (src/domain/email/placeholders.ts) and are rendered by the sender (src/jobs/email-sender.ts).
 */
export type EmailPayload = {
  to: string;
  subject: string;
  text: string;
  language: string | null;
  /** Customer mail about a complaint: Reply-To is the complaint's signed reply address. */
  replyToComplaint?: boolean;
  /** Survey mail: skipped for suppressed addresses, carries List-Unsubscribe (RFC 8058). */
  survey?: boolean;
  /** For @@SURVEY_LINK@@: the invitation, its link generation and the link without its token. */
  invitation?: { id: string; generation: number; url: string };
  /** A staff invitation: its accept link (ACCEPT_LINK_PLACEHOLDER) is derived at send time. */
  staffInvitationId?: string;
  /** An HTML part of its own (scheduled report digests); otherwise the text is sent as simple HTML. */
  html?: string;
};

export function emailOutboxRow(input: {
  organizationId: string;
  complaintId?: string | null;
  eventType: string;
  to: string;
  content: EmailContent;
  language?: string;
  now: Date;
  dedupeKey?: string | null;
  options?: Pick<EmailPayload, "replyToComplaint" | "survey" | "invitation" | "html">;
}): OutboxInsert {
  const payload: EmailPayload = { to: input.to, subject: input.content.subject, text: input.content.text, language: input.language ?? null, ...input.options };
  return {
    id: newId("obx"),
    organization_id: input.organizationId,
    kind: "email",
    event_type: input.eventType,
    complaint_id: input.complaintId ?? null,
    endpoint_id: null,
    recipient: input.to,
    subject: input.content.subject,
    payload,
    status: "pending",
    attempts: 0,
    next_attempt_at: input.now,
    dedupe_key: input.dedupeKey ?? null,
    created_at: input.now,
  };
}

export type WebhookEndpointRef = { id: string; url: string };

/**
 * One row per subscribed endpoint. The payload is the exact event object sent (and signed); its
 * `id` is the outbox id, which is also the `webhook-id` header, stable across retries.
 */
export function webhookOutboxRows(input: {
  organizationId: string;
  endpoints: WebhookEndpointRef[];
  eventType: string;
  data: Record<string, unknown>;
  complaintId?: string | null;
  now: Date;
  dedupeKeyPrefix?: string;
}): OutboxInsert[] {
  return input.endpoints.map((endpoint) => {
    const id = newId("msg");
    return {
      id,
      organization_id: input.organizationId,
      kind: "webhook",
      event_type: input.eventType,
      complaint_id: input.complaintId ?? null,
      endpoint_id: endpoint.id,
      recipient: endpoint.url,
      subject: null,
      payload: { id, type: input.eventType, timestamp: input.now.toISOString(), data: input.data },
      status: "pending",
      attempts: 0,
      next_attempt_at: input.now,
      dedupe_key: input.dedupeKeyPrefix ? `${input.dedupeKeyPrefix}:${endpoint.id}` : null,
      created_at: input.now,
    };
  });
}

/** Hand the rows to the queue; if sending fails the cron re-drives them (next_attempt_at has passed). */
export async function enqueueOutbox(env: AppBindings, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  try {
    const messages: { body: FeedloopEvent }[] = ids.map((outboxId) => ({ body: { type: "outbox.deliver", outboxId } }));
    for (let i = 0; i < messages.length; i += 100) await env.EVENTS.sendBatch(messages.slice(i, i + 100));
  } catch (error) {
    console.warn(JSON.stringify({ level: "warn", message: "outbox enqueue failed; the cron will re-drive", ids, error: String(error) }));
  }
}

export type OutboxFilters = { kind?: "email" | "webhook"; status?: OutboxRow["status"]; complaintId?: string };

export type OutboxItem = {
  id: string;
  kind: OutboxRow["kind"];
  eventType: string;
  complaintId: string | null;
  endpointId: string | null;
  recipient: string;
  subject: string | null;
  payload: Record<string, unknown>;
  status: OutboxRow["status"];
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
};

/** What staff see of a row: an e-mail's link placeholders are named, never rendered (no live secret). */
function visiblePayload(row: OutboxRow): Record<string, unknown> {
  if (row.kind !== "email") return row.payload;
  const payload = row.payload as Partial<EmailPayload>;
  const { invitation, ...rest } = payload;
  return {
    ...rest,
    ...(invitation ? { invitation: { id: invitation.id } } : {}),
    subject: describePlaceholders(payload.subject ?? ""),
    text: describePlaceholders(payload.text ?? ""),
  };
}

export function outboxItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    kind: row.kind,
    eventType: row.eventType,
    complaintId: row.complaintId,
    endpointId: row.endpointId,
    recipient: row.recipient,
    subject: row.subject,
    payload: visiblePayload(row),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    lastError: row.lastError,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listOutbox(
  db: Db,
  organizationId: string,
  filters: OutboxFilters,
  page: { limit: number; offset: number },
): Promise<{ total: number; items: OutboxItem[] }> {
  const clauses: SQL[] = [eq(outbox.organizationId, organizationId)];
  if (filters.kind) clauses.push(eq(outbox.kind, filters.kind));
  if (filters.status) clauses.push(eq(outbox.status, filters.status));
  if (filters.complaintId) clauses.push(eq(outbox.complaintId, filters.complaintId));
  const where = and(...clauses);
  const [rows, [{ total }]] = await db.batch([
    db.select().from(outbox).where(where).orderBy(desc(outbox.createdAt), desc(outbox.id)).limit(page.limit).offset(page.offset),
    db.select({ total: sql<number>`count(*)` }).from(outbox).where(where),
  ]);
  return { total, items: rows.map(outboxItem) };
}

// ---------------------------------------------------------------------------------------------
// Delivery (src/jobs/outbox-delivery.ts): claiming, finishing and the webhook delivery log
// ---------------------------------------------------------------------------------------------

/** At most `limit` e-mails are handed to Email Service per `intervalMs`, across the deployment. */
export type EmailPacing = { limit: number; intervalMs: number };

/**
 * Claims a due row for one attempt: attempts + 1, a lease on next_attempt_at, a claim nonce, so two
 * consumers never send the same row at once. E-mail rows are claimed only while e-mail is
 * configured and, with `pacing`, only while fewer than `limit` e-mail rows were claimed in the last
 * interval — the check and the claim are one statement, so concurrent consumers cannot both take
 * the last slot. A row that is not claimed stays pending for a later run, with no attempt counted.
 */
export async function claimOutboxRow(
  db: Db,
  outboxId: string,
  now: Date,
  options: { emailConfigured: boolean; leaseMs: number; nonce: string; pacing: EmailPacing | null },
): Promise<OutboxRow | null> {
  const claimed = await db.$client
    .prepare(
      `UPDATE outbox SET attempts = attempts + 1, claim_nonce = ?1, next_attempt_at = ?2, claimed_at = ?4
       WHERE id = ?3 AND status = 'pending' AND next_attempt_at <= ?4 AND attempts < ?5
         AND (kind != 'email' OR (?6 = 1 AND (?7 IS NULL OR (SELECT count(*) FROM outbox WHERE kind = 'email' AND claimed_at > ?8) < ?7)))`,
    )
    .bind(
      options.nonce,
      now.getTime() + options.leaseMs,
      outboxId,
      now.getTime(),
      OUTBOX_MAX_ATTEMPTS,
      options.emailConfigured ? 1 : 0,
      options.pacing ? options.pacing.limit : null,
      options.pacing ? now.getTime() - options.pacing.intervalMs : 0,
    )
    .run();
  if ((claimed.meta.changes ?? 0) === 0) return null;
  return (await db.query.outbox.findFirst({ where: eq(outbox.id, outboxId) })) ?? null;
}

/** Writes an attempt's result, only if this attempt still holds the row (its nonce). */
export async function finishOutboxRow(db: Db, row: Pick<OutboxRow, "id">, nonce: string, set: Partial<typeof outbox.$inferInsert>): Promise<void> {
  await db.update(outbox).set(set).where(and(eq(outbox.id, row.id), eq(outbox.claimNonce, nonce)));
}

/**
 * Hands a claimed row back without counting the attempt (Email Service said "rate limited"): it is
 * tried again at `retryAt`, and the refusal does not bring it closer to `failed`.
 */
export async function releaseOutboxClaim(db: Db, row: Pick<OutboxRow, "id">, nonce: string, retryAt: Date, note: string): Promise<void> {
  await db
    .update(outbox)
    .set({ attempts: sql`max(0, ${outbox.attempts} - 1)`, nextAttemptAt: retryAt, lastError: note })
    .where(and(eq(outbox.id, row.id), eq(outbox.claimNonce, nonce)));
}

/** The endpoint a webhook row goes to, within its organisation. */
export function webhookEndpointForRow(db: Db, row: Pick<OutboxRow, "organizationId" | "endpointId">) {
  if (!row.endpointId) return Promise.resolve(undefined);
  return db.query.webhookEndpoints.findFirst({ where: and(eq(webhookEndpoints.id, row.endpointId), eq(webhookEndpoints.organizationId, row.organizationId)) });
}

/** One line of an endpoint's delivery log. */
export async function recordWebhookDelivery(
  db: Db,
  entry: { organizationId: string; outboxId: string; endpointId: string; attempt: number; statusCode: number | null; error: string | null; durationMs: number; at: Date },
): Promise<void> {
  await db.$client
    .prepare(
      `INSERT INTO webhook_deliveries (id, organization_id, outbox_id, endpoint_id, attempt, status_code, error, duration_ms, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(newId("whd"), entry.organizationId, entry.outboxId, entry.endpointId, entry.attempt, entry.statusCode, entry.error, entry.durationMs, entry.at.getTime())
    .run();
}

/** Pending rows whose next attempt is due (cron re-drive), oldest first. */
export async function dueOutboxIds(db: Db, now: Date, limit = 100, options: { emailConfigured: boolean } = { emailConfigured: true }): Promise<string[]> {
  // Unconfigured e-mail stays pending without crowding webhooks out of the run.
  const rows = await db.$client
    .prepare("SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND (kind != 'email' OR ? = 1) ORDER BY next_attempt_at LIMIT ?")
    .bind(now.getTime(), options.emailConfigured ? 1 : 0, limit)
    .all<{ id: string }>();
  return rows.results.map((row) => row.id);
}

/** E-mail outbox rows per set-based INSERT: ~1–2 KB of payload each keeps a statement's JSON parameter well under D1's limits. */
const EMAIL_ROWS_PER_STATEMENT = 100;

/**
 * Set-based inserts of one organisation's e-mail rows (emailOutboxRow), for a caller's batch: many
 * rows in a few statements (an import of 10 000 invitations is 100 statements, not 10 000). A row
 * whose dedupe key exists already is skipped.
 */
export function emailOutboxInsertStatements(d1: D1Database, organizationId: string, rows: OutboxInsert[], now: Date): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += EMAIL_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + EMAIL_ROWS_PER_STATEMENT).map((row) => ({
      id: row.id,
      event_type: row.event_type,
      recipient: row.recipient,
      subject: row.subject,
      payload: JSON.stringify(row.payload),
      dedupe_key: row.dedupe_key,
    }));
    statements.push(
      d1
        .prepare(
          `INSERT INTO outbox (id, organization_id, kind, event_type, recipient, subject, payload, status, attempts, next_attempt_at, dedupe_key, created_at)
           SELECT json_extract(value, '$.id'), ?2, 'email', json_extract(value, '$.event_type'), json_extract(value, '$.recipient'), json_extract(value, '$.subject'),
                  json_extract(value, '$.payload'), 'pending', 0, ?3, json_extract(value, '$.dedupe_key'), ?3
           FROM json_each(?1)
           WHERE true
           ON CONFLICT DO NOTHING`,
        )
        .bind(JSON.stringify(chunk), organizationId, now.getTime()),
    );
  }
  return statements;
}
