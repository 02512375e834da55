/**
 * The complaint record in D1: loading an organisation's complaint settings, converting rows to the
 * domain record (src/domain/complaints) and back, SLA columns, the status-link secret, and the one
 * write path every change goes through (`commitComplaintWrite`): an optimistic-concurrency update
 * of the complaint plus, gated on that update's nonce, its timeline events, audit row and outbox
 * notifications — all in one D1 batch.
 */
import { and, eq, inArray, isNotNull, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { AppBindings, Db } from "../../env";
import { complaints, complaintSettings, organization, organizationSettings, user } from "../schema";
import {
  BusinessCalendarSchema,
  type BusinessCalendar,
  type Complaint,
  type ComplaintActor,
  ComplaintRoutingConfigSchema,
  type ComplaintRoutingConfig,
  type ComplaintSlaStatus,
  type ComplaintState,
  type ComplaintTimelineEvent,
  defaultBusinessCalendar,
  defaultComplaintSlaPolicies,
  EscalationPolicySchema,
  type EscalationPolicy,
  isCustomerVisibleEvent,
  organizationComplaintCategories,
  resolveComplaintSlaPolicy,
  businessMillisecondsBetween,
  milestoneReachedAt,
  zonedLocalDate,
  SLA_MILESTONES,
  SLA_OUTCOME_RULES_VERSION,
  slaMilestoneRecords,
  SlaPolicySetSchema,
  type SlaPolicySet,
  slaStatus,
} from "../../domain/complaints";
import { newId, randomSecret, sha256Hex } from "../../lib/ids";
import { notFound, ProblemError } from "../../lib/problem";
import { linkSecret } from "../../lib/link-secrets";
import { complaintNonceGate, type Gate, gatedInsert, updateStatement } from "./complaints-sql";
import { type OutboxInsert } from "./outbox";

export type ComplaintRow = typeof complaints.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Organisation context
// ---------------------------------------------------------------------------------------------

export type ComplaintOrgContext = {
  organizationId: string;
  organizationSlug: string;
  organizationName: string;
  timeZone: string;
  calendar: BusinessCalendar;
  /** Stored policies, or the domain defaults when none are configured. */
  policies: SlaPolicySet;
  policiesConfigured: boolean;
  escalation: EscalationPolicy;
  routing: ComplaintRoutingConfig | null;
  categories: string[];
  /**
   * Fingerprint of what stored SLA outcomes depend on (policies, calendar, rules version): a row's
   * `sla_outcome_basis` equal to it means its stored outcomes are current.
   */
  slaOutcomeBasis: string;
};

/** Which organisations a context read covers: one (`eq`) or a set (the follow-up's `IN (…)`). */
export type OrganizationCondition = (column: SQLiteColumn) => SQL;

/** The three reads a complaint context is built from, for one organisation or a set of them. */
export function complaintContextReads(db: Db, organizations: OrganizationCondition) {
  return [
    db.select({ id: organization.id, slug: organization.slug, name: organization.name }).from(organization).where(organizations(organization.id)),
    db.select().from(organizationSettings).where(organizations(organizationSettings.organizationId)),
    db.select().from(complaintSettings).where(organizations(complaintSettings.organizationId)),
  ] as const;
}

type ComplaintContextRows = {
  org: { slug: string; name: string } | undefined;
  settings: typeof organizationSettings.$inferSelect | undefined;
  config: typeof complaintSettings.$inferSelect | undefined;
};

/** An organisation's complaint context from its rows (defaults where nothing is stored). */
export async function complaintContextFrom(organizationId: string, { org, settings, config }: ComplaintContextRows): Promise<ComplaintOrgContext> {
  if (!org) throw notFound(`Organisation ${organizationId}`);
  const timeZone = settings?.timeZone ?? "UTC";
  const storedCalendar = settings?.businessCalendar;
  const parsedCalendar = BusinessCalendarSchema.safeParse({ ...(typeof storedCalendar === "object" && storedCalendar ? storedCalendar : {}), timeZone });
  const calendar = parsedCalendar.success ? parsedCalendar.data : defaultBusinessCalendar(BusinessCalendarSchema.safeParse({ timeZone }).success ? timeZone : "UTC");
  const parsedPolicies = config?.slaPolicies ? SlaPolicySetSchema.safeParse(config.slaPolicies) : null;
  const routing = config?.routing ? ComplaintRoutingConfigSchema.safeParse(config.routing) : null;
  const extraCategories = Array.isArray(config?.categories) ? (config!.categories as string[]) : [];
  const policies = parsedPolicies?.success ? parsedPolicies.data : defaultComplaintSlaPolicies(calendar);
  return {
    organizationId,
    organizationSlug: org.slug,
    organizationName: org.name,
    timeZone: calendar.timeZone,
    calendar,
    policies,
    policiesConfigured: parsedPolicies?.success === true,
    escalation: EscalationPolicySchema.parse(config?.escalation ?? {}),
    routing: routing?.success ? routing.data : null,
    categories: organizationComplaintCategories(extraCategories),
    slaOutcomeBasis: await sha256Hex(JSON.stringify({ rules: SLA_OUTCOME_RULES_VERSION, policies, calendar })),
  };
}

export async function loadComplaintContext(db: Db, organizationId: string): Promise<ComplaintOrgContext> {
  const [orgRows, settingsRows, configRows] = await db.batch(complaintContextReads(db, (column) => eq(column, organizationId)));
  return complaintContextFrom(organizationId, { org: orgRows[0], settings: settingsRows[0], config: configRows[0] });
}

// ---------------------------------------------------------------------------------------------
// Row ⇄ domain record
// ---------------------------------------------------------------------------------------------

export function rowToComplaint(row: ComplaintRow): Complaint {
  return {
    id: row.id,
    organizationId: row.organizationId,
    reference: row.reference,
    state: row.state as ComplaintState,
    stateBeforeWaiting: (row.waitingFrom as Complaint["stateBeforeWaiting"]) ?? null,
    priority: row.priority as Complaint["priority"],
    severity: (row.severity as Complaint["severity"]) ?? null,
    category: row.category,
    touchpoint: row.touchpoint,
    source: row.source as Complaint["source"],
    sourceResponseId: row.sourceResponseId,
    complainantId: row.contactEmail ? row.contactEmail.toLowerCase() : null,
    segment: row.segment ?? {},
    subject: row.subject,
    description: row.description,
    teamId: row.teamId,
    assigneeId: row.assigneeId,
    receivedAt: row.receivedAt,
    acknowledgedAt: row.acknowledgedAt,
    firstRespondedAt: row.firstRespondedAt,
    closedAt: row.closedAt,
    proposedRemedy: row.proposedRemedy,
    resolution: (row.resolution as Complaint["resolution"]) ?? null,
    reopenCount: row.reopenCount,
    staffPublicReplyCount: row.staffPublicReplyCount,
    stateHistory: row.stateHistory.map((entry) => ({ state: entry.state as ComplaintState, at: new Date(entry.at) })),
  };
}

/** The columns a workflow change can touch (snake_case, for complaints-sql.ts). */
export function complaintColumns(complaint: Complaint): Record<string, unknown> {
  return {
    state: complaint.state,
    waiting_from: complaint.stateBeforeWaiting,
    priority: complaint.priority,
    severity: complaint.severity,
    category: complaint.category,
    touchpoint: complaint.touchpoint,
    team_id: complaint.teamId,
    assignee_id: complaint.assigneeId,
    acknowledged_at: complaint.acknowledgedAt,
    first_responded_at: complaint.firstRespondedAt,
    closed_at: complaint.closedAt,
    proposed_remedy: complaint.proposedRemedy,
    resolution: complaint.resolution,
    reopen_count: complaint.reopenCount,
    staff_public_reply_count: complaint.staffPublicReplyCount,
    state_history: complaint.stateHistory.map((entry) => ({ state: entry.state, at: entry.at.getTime() })),
  };
}

// ---------------------------------------------------------------------------------------------
// SLA
// ---------------------------------------------------------------------------------------------

export function complaintSla(complaint: Complaint, ctx: ComplaintOrgContext, now: Date): ComplaintSlaStatus {
  const policy = resolveComplaintSlaPolicy(ctx.policies, complaint.priority, complaint.category);
  return slaStatus(complaint, policy, ctx.calendar, now);
}

/** Due times, the "what is due first" key and the overdue flags, as stored on the row. */
export function slaColumns(complaint: Complaint, ctx: ComplaintOrgContext, now: Date): Record<string, unknown> {
  const status = complaintSla(complaint, ctx, now);
  const open = complaint.state !== "closed";
  const unmet = SLA_MILESTONES.map((milestone) => status.milestones[milestone]).filter((milestone) => milestone.metAt === null);
  const nextDue = open && unmet.length > 0 ? new Date(Math.min(...unmet.map((milestone) => milestone.dueAt.getTime()))) : null;
  return {
    acknowledge_due_at: status.milestones.acknowledge.dueAt,
    first_response_due_at: status.milestones.first_response.dueAt,
    resolution_due_at: status.milestones.resolution.dueAt,
    next_due_at: nextDue,
    sla_paused: status.paused,
    sla_breached: open && unmet.some((milestone) => milestone.breached),
    ...storedSlaOutcomeColumns(complaint, ctx, now),
  };
}

/**
 * After the SLA policies or the business calendar change: the organisation's stored outcomes are
 * stale (readers already ignore them, their basis no longer matches); clearing the basis puts them
 * back in the SLA sweep's backfill. Goes in the batch of the settings write.
 */
export function clearStoredSlaOutcomes(db: Db, organizationId: string) {
  return db
    .update(complaints)
    .set({ slaOutcomeBasis: null })
    .where(and(eq(complaints.organizationId, organizationId), isNotNull(complaints.slaOutcomeBasis)));
}

/**
 * Each milestone's outcome (slaMilestoneRecords), business milliseconds from receipt and the civil date
 * of receipt, with the basis they were computed on: what complaint analytics reads instead of
 * recomputing per complaint.
 */
export function storedSlaOutcomeColumns(complaint: Complaint, ctx: ComplaintOrgContext, now: Date): Record<string, unknown> {
  const policy = resolveComplaintSlaPolicy(ctx.policies, complaint.priority, complaint.category);
  const records = slaMilestoneRecords(complaint, policy, ctx.calendar, now);
  const columns: Record<string, unknown> = { sla_outcome_basis: ctx.slaOutcomeBasis, received_local_date: zonedLocalDate(complaint.receivedAt, ctx.timeZone) };
  for (const milestone of SLA_MILESTONES) {
    const reachedAt = milestoneReachedAt(complaint, milestone);
    columns[`${milestone}_sla_outcome`] = records[milestone].outcome;
    columns[`${milestone}_breached_after`] = records[milestone].breachedAfter;
    columns[`${milestone}_business_ms`] = reachedAt ? businessMillisecondsBetween(complaint.receivedAt.getTime(), reachedAt.getTime(), ctx.calendar) : null;
  }
  return columns;
}

// ---------------------------------------------------------------------------------------------
// Status link
// ---------------------------------------------------------------------------------------------

/**
 * The customer's status-link secret: derived from the links' own key (src/lib/link-secrets.ts), 43
 * url-safe characters (256 bits). Deriving it (instead of storing it) lets later e-mails carry the
 * link again while the database holds only its SHA-256; a leaked database alone opens no status page.
 */
export function complaintStatusSecret(env: Pick<AppBindings, "LINK_SIGNING_SECRET">, complaintId: string): Promise<string> {
  return linkSecret(env, "complaint-status", complaintId);
}

export function publicOrigin(env: Pick<AppBindings, "PUBLIC_ORIGIN">): string {
  return (env.PUBLIC_ORIGIN ?? "").replace(/\/+$/, "");
}

export function complaintStatusUrl(env: Pick<AppBindings, "PUBLIC_ORIGIN">, reference: string, secret: string): string {
  return `${publicOrigin(env)}/complaints/status/${reference}?k=${secret}`;
}

/** The complaint behind a status link, or null (wrong reference or secret: the caller answers 404). */
export async function findComplaintByStatusLink(db: Db, reference: string, secret: string): Promise<ComplaintRow | null> {
  if (!/^[A-Za-z0-9_-]{32,128}$/.test(secret)) return null;
  const hash = await sha256Hex(secret);
  const row = await db.query.complaints.findFirst({ where: and(eq(complaints.statusSecretHash, hash), eq(complaints.reference, reference.trim().toUpperCase())) });
  return row ?? null;
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

export async function findComplaint(db: Db, organizationId: string, id: string): Promise<ComplaintRow> {
  const row = await db.query.complaints.findFirst({ where: and(eq(complaints.id, id), eq(complaints.organizationId, organizationId)) });
  if (!row) throw notFound(`Complaint ${id}`);
  return row;
}

export async function userContacts(db: Db, ids: (string | null | undefined)[]): Promise<Map<string, { name: string; email: string }>> {
  const wanted = [...new Set(ids.filter((id): id is string => typeof id === "string" && id.length > 0))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select({ id: user.id, name: user.name, email: user.email }).from(user).where(inArray(user.id, wanted));
  return new Map(rows.map((row) => [row.id, { name: row.name, email: row.email }]));
}

// ---------------------------------------------------------------------------------------------
// Timeline and audit rows
// ---------------------------------------------------------------------------------------------

export function eventInsertRow(organizationId: string, complaintId: string, event: ComplaintTimelineEvent): Record<string, unknown> {
  return {
    id: newId("cev"),
    organization_id: organizationId,
    complaint_id: complaintId,
    type: event.type,
    actor_kind: event.actor.kind,
    actor_id: event.actor.id,
    actor_name: event.actor.name ?? null,
    visibility: isCustomerVisibleEvent(event) ? "public" : "internal",
    data: event.data,
    at: event.at,
  };
}

/** Who did it, for the audit log (staff principal kind "user"/"api_key", or "customer"/"system"). */
export type AuditActor = { kind: string; id: string };

export function auditInsertRow(
  organizationId: string,
  actor: AuditActor,
  entry: { action: string; targetType: string; targetId: string | null; data?: unknown },
  at: Date,
): Record<string, unknown> {
  return {
    id: newId("aud"),
    organization_id: organizationId,
    actor_kind: actor.kind,
    actor_id: actor.id,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    data: entry.data ?? null,
    at,
  };
}

export function actorForAudit(actor: ComplaintActor, principalKind?: string): AuditActor {
  if (actor.kind === "staff") return { kind: principalKind ?? "user", id: actor.id };
  return { kind: actor.kind, id: actor.id };
}

// ---------------------------------------------------------------------------------------------
// The write path
// ---------------------------------------------------------------------------------------------

export type ComplaintWrite = {
  ctx: ComplaintOrgContext;
  /** The row as read; the update only applies if nobody changed it since (version check). */
  row: ComplaintRow;
  next: Complaint;
  events: ComplaintTimelineEvent[];
  audit: { actor: AuditActor; action: string; data?: unknown } | null;
  outbox?: OutboxInsert[];
  /** Columns outside the domain record (escalations, handling survey, …). */
  extraColumns?: Record<string, unknown>;
  /** More statements, gated on this write's nonce. */
  extraStatements?: (gate: Gate, d1: D1Database) => D1PreparedStatement[];
  now: Date;
};

export type ComplaintWriteResult = { row: ComplaintRow; outboxIds: string[] };

export function complaintConflict(): ProblemError {
  return new ProblemError("conflict", "This complaint was changed by someone else at the same time; reload it and try again.");
}

/**
 * The statements of one complaint write, for a batch: the version-checked update first (also gated
 * on `onlyIf` when given — e.g. another write of the same batch having applied), then, gated on the
 * update's nonce, its events, audit row, outbox rows and extra statements.
 */
export function complaintWriteStatements(d1: D1Database, write: ComplaintWrite, onlyIf?: Gate): D1PreparedStatement[] {
  const { row, next, now } = write;
  const nonce = randomSecret(16);
  const gate = complaintNonceGate(row.id, nonce);
  const set = {
    ...complaintColumns(next),
    ...slaColumns(next, write.ctx, now),
    ...(write.extraColumns ?? {}),
    write_nonce: nonce,
    updated_at: now,
  };
  const where: Gate = { sql: "id = ? AND organization_id = ? AND version = ?", params: [row.id, row.organizationId, row.version] };
  const statements: D1PreparedStatement[] = [
    updateStatement(d1, "complaints", set, onlyIf ? { sql: `${where.sql} AND ${onlyIf.sql}`, params: [...where.params, ...onlyIf.params] } : where, [
      "version = version + 1",
    ]),
  ];
  for (const event of write.events) statements.push(gatedInsert(d1, "complaint_events", eventInsertRow(row.organizationId, row.id, event), gate));
  if (write.audit) {
    statements.push(
      gatedInsert(
        d1,
        "audit_log",
        auditInsertRow(row.organizationId, write.audit.actor, { action: write.audit.action, targetType: "complaint", targetId: row.id, data: write.audit.data }, now),
        gate,
      ),
    );
  }
  for (const item of write.outbox ?? []) statements.push(gatedInsert(d1, "outbox", item, gate, { onConflictDoNothing: true }));
  statements.push(...(write.extraStatements?.(gate, d1) ?? []));
  return statements;
}

export async function commitComplaintWrite(db: Db, write: ComplaintWrite): Promise<ComplaintWriteResult> {
  const results = await db.$client.batch(complaintWriteStatements(db.$client, write));
  if ((results[0]?.meta.changes ?? 0) === 0) throw complaintConflict();
  const updated = await findComplaint(db, write.row.organizationId, write.row.id);
  return { row: updated, outboxIds: (write.outbox ?? []).map((item) => item.id) };
}
