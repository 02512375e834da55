/** Webhook endpoints (admin) and their delivery log. */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { webhookDeliveries, webhookEndpoints } from "../schema";
import { newId } from "../../lib/ids";
import { notFound } from "../../lib/problem";
import { generateWebhookSecret } from "../../lib/webhook-signing";
import { auditInsert } from "./audit";
import type { WebhookEndpointRef } from "./outbox";
import type { WebhookEventType } from "../../domain/webhook-events";

/** The id prefix of a "Send test" message: its delivery-log row has it where real attempts have their outbox id ("obx_…"). */
export const TEST_MESSAGE_PREFIX = "msgtest";

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

export type WebhookEndpointView = {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  /** Shown in full only when created or rotated; otherwise its first characters. */
  secret: string;
  createdAt: string;
  updatedAt: string;
};

export function webhookView(row: WebhookEndpointRow, revealSecret = false): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    active: row.active,
    secret: revealSecret ? row.secret : `${row.secret.slice(0, 10)}…`,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Active endpoints of the organisation subscribed to `eventType`. */
export async function subscribedEndpoints(db: Db, organizationId: string, eventType: WebhookEventType): Promise<WebhookEndpointRef[]> {
  const rows = await db
    .select({ id: webhookEndpoints.id, url: webhookEndpoints.url, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.organizationId, organizationId), eq(webhookEndpoints.active, true)));
  return endpointsSubscribedTo(rows, eventType);
}

/** The endpoints (already read, active) that subscribe to `eventType`. */
export function endpointsSubscribedTo(rows: { id: string; url: string; events: readonly string[] }[], eventType: WebhookEventType): WebhookEndpointRef[] {
  return rows.filter((row) => row.events.includes(eventType)).map(({ id, url }) => ({ id, url }));
}

export async function listWebhookEndpoints(db: Db, organizationId: string): Promise<WebhookEndpointView[]> {
  const rows = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.organizationId, organizationId)).orderBy(desc(webhookEndpoints.createdAt));
  return rows.map((row) => webhookView(row));
}

export async function getWebhookEndpoint(db: Db, organizationId: string, id: string): Promise<WebhookEndpointRow> {
  const row = await db.query.webhookEndpoints.findFirst({ where: and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.organizationId, organizationId)) });
  if (!row) throw notFound(`Webhook endpoint ${id}`);
  return row;
}

export async function createWebhookEndpoint(
  db: Db,
  principal: Principal,
  input: { url: string; events: WebhookEventType[]; description?: string | null; active?: boolean },
): Promise<WebhookEndpointView> {
  const now = new Date();
  const row: typeof webhookEndpoints.$inferInsert = {
    id: newId("whk"),
    organizationId: principal.organizationId,
    url: input.url,
    description: input.description ?? null,
    secret: generateWebhookSecret(),
    events: [...new Set(input.events)],
    active: input.active ?? true,
    createdBy: principal.kind === "user" ? principal.id : null,
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(webhookEndpoints).values(row),
    auditInsert(db, principal, { action: "webhook.created", targetType: "webhook_endpoint", targetId: row.id, data: { url: row.url, events: row.events } }),
  ]);
  return webhookView(await getWebhookEndpoint(db, principal.organizationId, row.id), true);
}

export async function updateWebhookEndpoint(
  db: Db,
  principal: Principal,
  id: string,
  input: { url?: string; events?: WebhookEventType[]; description?: string | null; active?: boolean; rotateSecret?: boolean },
): Promise<WebhookEndpointView> {
  await getWebhookEndpoint(db, principal.organizationId, id);
  const set: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: new Date() };
  if (input.url !== undefined) set.url = input.url;
  if (input.events !== undefined) set.events = [...new Set(input.events)];
  if (input.description !== undefined) set.description = input.description;
  if (input.active !== undefined) set.active = input.active;
  if (input.rotateSecret) set.secret = generateWebhookSecret();
  await db.batch([
    db.update(webhookEndpoints).set(set).where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.organizationId, principal.organizationId))),
    auditInsert(db, principal, {
      action: "webhook.updated",
      targetType: "webhook_endpoint",
      targetId: id,
      data: { url: input.url, events: input.events, active: input.active, rotatedSecret: input.rotateSecret === true },
    }),
  ]);
  return webhookView(await getWebhookEndpoint(db, principal.organizationId, id), input.rotateSecret === true);
}

export async function deleteWebhookEndpoint(db: Db, principal: Principal, id: string): Promise<void> {
  await getWebhookEndpoint(db, principal.organizationId, id);
  await db.batch([
    db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.organizationId, principal.organizationId))),
    auditInsert(db, principal, { action: "webhook.deleted", targetType: "webhook_endpoint", targetId: id }),
  ]);
}

export async function listWebhookDeliveries(db: Db, organizationId: string, endpointId: string, limit: number, offset: number) {
  await getWebhookEndpoint(db, organizationId, endpointId);
  const where = and(eq(webhookDeliveries.organizationId, organizationId), eq(webhookDeliveries.endpointId, endpointId));
  const [rows, [{ total }]] = await db.batch([
    db.select().from(webhookDeliveries).where(where).orderBy(desc(webhookDeliveries.at), desc(webhookDeliveries.id)).limit(limit).offset(offset),
    db.select({ total: sql<number>`count(*)` }).from(webhookDeliveries).where(where),
  ]);
  return {
    total,
    items: rows.map((row) => ({
      id: row.id,
      outboxId: row.outboxId,
      /** A "Send test" attempt (not an event from the outbox). */
      test: row.outboxId.startsWith(`${TEST_MESSAGE_PREFIX}_`),
      attempt: row.attempt,
      statusCode: row.statusCode,
      error: row.error,
      durationMs: row.durationMs,
      at: row.at.toISOString(),
    })),
  };
}
