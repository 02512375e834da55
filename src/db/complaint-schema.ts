/**
 * Complaint-handling tables (issue 4: closing the loop). Re-exported by src/db/schema.ts.
 *
 * Every row carries organization_id and every query filters on it. The workflow itself lives in
 * src/domain/complaints; these tables store its record (`complaints`), the append-only timeline
 * (`complaint_events`), configuration (`complaint_settings`, `complaint_teams`), improvement
 * hand-offs, and the notification outbox with its webhook endpoints and delivery log.
 *
 * Writes that belong together go into one D1 batch; statements after the complaint write are gated
 * on a per-request nonce (`write_nonce`), so a duplicate or a lost race changes nothing at all
 * (the idea of src/db/queries/responses.ts).
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { SLA_STORED_OUTCOMES } from "../domain/complaints/sla";
import type { ComplaintState } from "../domain/complaints/complaint";
import type { ComplaintPriority } from "../domain/complaints/classification";
import { organization, team } from "./auth-schema";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`);

/** One complaint. Column comments name the domain field (src/domain/complaints/complaint.ts). */
export const complaints = sqliteTable(
  "complaints",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    /** FL-YYYY-NNNNNN, from organization_settings.complaint_sequence in the intake batch. */
    reference: text("reference").notNull(),
    /** SHA-256 of the customer's status-link secret; the secret is only ever in the link. */
    statusSecretHash: text("status_secret_hash").notNull(),
    /** ComplaintSource: survey_trigger | complaint_form | staff_entry | phone | email | … */
    source: text("source").notNull(),
    /** The survey response that raised it; UNIQUE so a redelivered queue message cannot create a second complaint. */
    sourceResponseId: text("source_response_id"),
    sourceSurveyId: text("source_survey_id"),
    /** Idempotency key of the intake (form submission id, API Idempotency-Key, response id). */
    intakeKey: text("intake_key"),
    subject: text("subject").notNull(),
    description: text("description").notNull().default(""),
    category: text("category"),
    touchpoint: text("touchpoint"),
    region: text("region"),
    tier: text("tier"),
    /** All segment attributes (hidden fields) as flat scalars, for routing rules and analytics. */
    segment: text("segment", { mode: "json" }).$type<Record<string, string | number | boolean | null>>().notNull(),
    /** 1 (low) … 4 (critical). */
    severity: integer("severity"),
    priority: text("priority").$type<ComplaintPriority>().notNull(),
    state: text("state").$type<ComplaintState>().notNull(),
    /** Where waiting_on_customer returns to (stateBeforeWaiting). */
    waitingFrom: text("waiting_from"),
    /** [{ state, at(ms) }]: what the SLA clocks need to know about pauses. */
    stateHistory: text("state_history", { mode: "json" }).$type<{ state: string; at: number }[]>().notNull(),
    /** Owner (assignee) user id. */
    assigneeId: text("assignee_id"),
    teamId: text("team_id"),
    desiredRemedy: text("desired_remedy"),
    contactName: text("contact_name"),
    contactEmail: text("contact_email"),
    contactPhone: text("contact_phone"),
    anonymous: integer("anonymous", { mode: "boolean" }).notNull().default(false),
    /** Language for messages to the customer (zh-CN or en). */
    language: text("language").notNull().default("zh-CN"),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
    acknowledgedAt: integer("acknowledged_at", { mode: "timestamp_ms" }),
    firstRespondedAt: integer("first_responded_at", { mode: "timestamp_ms" }),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
    /** SLA due times as last computed (writes and the cron sweep refresh them); used to sort and filter. */
    acknowledgeDueAt: integer("acknowledge_due_at", { mode: "timestamp_ms" }),
    firstResponseDueAt: integer("first_response_due_at", { mode: "timestamp_ms" }),
    resolutionDueAt: integer("resolution_due_at", { mode: "timestamp_ms" }),
    /** Earliest unmet due time; null once closed. "What is due first" sorts on it. */
    nextDueAt: integer("next_due_at", { mode: "timestamp_ms" }),
    slaPaused: integer("sla_paused", { mode: "boolean" }).notNull().default(false),
    /** Some unmet milestone was breached when the SLA was last computed. */
    slaBreached: integer("sla_breached", { mode: "boolean" }).notNull().default(false),
    /**
     * Each milestone's SLA outcome as decided by the last write (slaMilestoneRecords): met_on_time |
     * breached | open. Analytics reads these instead of walking the business calendar per complaint.
     */
    acknowledgeSlaOutcome: text("acknowledge_sla_outcome", { enum: SLA_STORED_OUTCOMES }),
    firstResponseSlaOutcome: text("first_response_sla_outcome", { enum: SLA_STORED_OUTCOMES }),
    resolutionSlaOutcome: text("resolution_sla_outcome", { enum: SLA_STORED_OUTCOMES }),
    /** An open milestone counts as breached once now is past this; null while its clock is stopped with time left. */
    acknowledgeBreachedAfter: integer("acknowledge_breached_after", { mode: "timestamp_ms" }),
    firstResponseBreachedAfter: integer("first_response_breached_after", { mode: "timestamp_ms" }),
    resolutionBreachedAfter: integer("resolution_breached_after", { mode: "timestamp_ms" }),
    /** Business milliseconds from receipt to each milestone reached (handling-time statistics); null until reached. */
    acknowledgeBusinessMs: integer("acknowledge_business_ms"),
    firstResponseBusinessMs: integer("first_response_business_ms"),
    resolutionBusinessMs: integer("resolution_business_ms"),
    /** Civil date of receipt in the organisation's time zone (volume periods in SQL); same basis as below. */
    receivedLocalDate: text("received_local_date"),
    /**
     * Fingerprint of the SLA policies, business calendar and rules the stored outcomes and business
     * minutes were computed with; readers trust them only when it equals the organisation's current
     * one. NULL: not computed yet (rows from before migration 0004) — the SLA sweep backfills them.
     */
    slaOutcomeBasis: text("sla_outcome_basis"),
    /** Escalation levels done: [{ milestone, level, at(ms) }] — each (milestone, level) at most once. */
    escalations: text("escalations", { mode: "json" }).$type<{ milestone: string; level: number; at: number }[]>().notNull(),
    proposedRemedy: text("proposed_remedy"),
    resolution: text("resolution", { mode: "json" }),
    reopenCount: integer("reopen_count").notNull().default(0),
    staffPublicReplyCount: integer("staff_public_reply_count").notNull().default(0),
    /** Satisfaction-with-handling survey: the invitation issued after closing, and its result. */
    handlingSurveyId: text("handling_survey_id"),
    handlingInvitationId: text("handling_invitation_id"),
    handlingSurveyUrl: text("handling_survey_url"),
    handlingResponseId: text("handling_response_id"),
    handlingCsat: integer("handling_csat"),
    handlingCes: integer("handling_ces"),
    handlingResolved: integer("handling_resolved", { mode: "boolean" }),
    handlingRespondedAt: integer("handling_responded_at", { mode: "timestamp_ms" }),
    /** Optimistic concurrency: every update is `WHERE version = <read version>`. */
    version: integer("version").notNull().default(0),
    /** Set by the write that last changed the row; later statements of the same batch test it. */
    writeNonce: text("write_nonce"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("complaints_reference_unique").on(t.organizationId, t.reference),
    uniqueIndex("complaints_source_response_unique").on(t.sourceResponseId),
    uniqueIndex("complaints_intake_key_unique").on(t.organizationId, t.intakeKey),
    index("complaints_secret_idx").on(t.statusSecretHash),
    index("complaints_org_state_due_idx").on(t.organizationId, t.state, t.nextDueAt),
    index("complaints_org_due_idx").on(t.organizationId, t.nextDueAt),
    index("complaints_org_received_idx").on(t.organizationId, t.receivedAt),
    index("complaints_org_email_idx").on(t.organizationId, t.contactEmail),
    index("complaints_org_assignee_idx").on(t.organizationId, t.assigneeId, t.state),
    index("complaints_org_team_idx").on(t.organizationId, t.teamId),
    // Rows whose stored SLA outcomes are missing: small once backfilled, read by the SLA sweep.
    index("complaints_sla_outcome_pending_idx").on(t.organizationId).where(sql`sla_outcome_basis IS NULL`),
  ],
);

/** The timeline: every change, note, reply, assignment, hand-off and escalation, append-only. */
export const complaintEvents = sqliteTable(
  "complaint_events",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    complaintId: text("complaint_id")
      .notNull()
      .references(() => complaints.id, { onDelete: "cascade" }),
    /** ComplaintTimelineEvent type: received, state_changed, note, public_reply, assigned, … */
    type: text("type").notNull(),
    actorKind: text("actor_kind").notNull(),
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name"),
    visibility: text("visibility", { enum: ["internal", "public"] }).notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("complaint_events_complaint_idx").on(t.complaintId, t.at), index("complaint_events_org_idx").on(t.organizationId, t.at)],
);

/** Hand-off to an improvement owner (root cause, corrective action): the outer loop. */
export const complaintHandoffs = sqliteTable(
  "complaint_handoffs",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    complaintId: text("complaint_id")
      .notNull()
      .references(() => complaints.id, { onDelete: "cascade" }),
    rootCause: text("root_cause").notNull(),
    correctiveAction: text("corrective_action").notNull(),
    preventiveAction: text("preventive_action"),
    ownerId: text("owner_id").notNull(),
    ownerTeamId: text("owner_team_id"),
    /** Civil date in the organisation's time zone. */
    dueDate: text("due_date").notNull(),
    status: text("status", { enum: ["open", "in_progress", "done", "rejected"] }).notNull().default("open"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("complaint_handoffs_complaint_idx").on(t.organizationId, t.complaintId), index("complaint_handoffs_owner_idx").on(t.organizationId, t.ownerId, t.status)],
);

/** Per-organisation complaint configuration, as validated JSON (schemas in src/domain/complaints). */
export const complaintSettings = sqliteTable("complaint_settings", {
  organizationId: text("organization_id")
    .primaryKey()
    .references(() => organization.id, { onDelete: "cascade" }),
  /** ComplaintRoutingConfig: ordered rules (first match wins) and the default team. */
  routing: text("routing", { mode: "json" }),
  /** SlaPolicySet; null = the domain defaults. */
  slaPolicies: text("sla_policies", { mode: "json" }),
  /** EscalationPolicy; null = the domain defaults. */
  escalation: text("escalation", { mode: "json" }),
  /** Extra category slugs beyond DEFAULT_COMPLAINT_CATEGORIES. */
  categories: text("categories", { mode: "json" }),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * Routing settings of a better-auth team (membership is better-auth's `teamMember`): the team lead
 * (level-2 escalations) and how work is assigned inside the team.
 */
export const complaintTeams = sqliteTable(
  "complaint_teams",
  {
    teamId: text("team_id")
      .primaryKey()
      .references(() => team.id, { onDelete: "cascade" }),
    organizationId: text("organization_id").notNull(),
    leadUserId: text("lead_user_id"),
    strategy: text("strategy", { enum: ["round_robin", "least_open_load"] }).notNull().default("round_robin"),
    /** Round-robin cursor: the id of the member assigned last. */
    roundRobinCursor: text("round_robin_cursor"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("complaint_teams_org_idx").on(t.organizationId)],
);

/**
 * Notifications to deliver: e-mails (through the provider adapter; locally recorded, never sent)
 * and webhooks. Rows are written in the same batch as the change they announce, then delivered by
 * the queue consumer; the cron re-drives rows whose next_attempt_at has passed. A row ends
 * `delivered` or `failed` (with last_error) — never lost.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    kind: text("kind", { enum: ["email", "webhook"] }).notNull(),
    /** complaint.acknowledgement, complaint.reply, complaint.escalation, … or the webhook event type. */
    eventType: text("event_type").notNull(),
    complaintId: text("complaint_id"),
    endpointId: text("endpoint_id"),
    /** E-mail address, or the endpoint URL at the time of enqueueing. */
    recipient: text("recipient").notNull(),
    subject: text("subject"),
    /** E-mail: { to, subject, text, language }; webhook: the exact event object that is signed and sent. */
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    lastError: text("last_error"),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
    /** Provider message id (e-mail) or the receiver's status (webhook). */
    providerMessageId: text("provider_message_id"),
    /** Written by the delivery attempt that holds the row. */
    claimNonce: text("claim_nonce"),
    /** Optional unique key so an event is enqueued once per recipient however often its producer runs. */
    dedupeKey: text("dedupe_key"),
    /** When the latest delivery attempt took the row: e-mail pacing counts these (src/db/queries/outbox.ts). */
    claimedAt: integer("claimed_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("outbox_due_idx").on(t.status, t.nextAttemptAt),
    index("outbox_email_claimed_idx").on(t.kind, t.claimedAt),
    index("outbox_org_created_idx").on(t.organizationId, t.createdAt),
    index("outbox_complaint_idx").on(t.organizationId, t.complaintId),
    uniqueIndex("outbox_dedupe_unique").on(t.dedupeKey),
  ],
);

/** Webhook subscriptions (Standard Webhooks signing with the endpoint's `whsec_` secret). */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description"),
    /** `whsec_<base64 key>`; needed in clear to sign, shown to admins only. */
    secret: text("secret").notNull(),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.organizationId)],
);

/** One row per webhook delivery attempt: what the receiver answered, or the network error. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    outboxId: text("outbox_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    at: integer("at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("webhook_deliveries_endpoint_idx").on(t.organizationId, t.endpointId, t.at), index("webhook_deliveries_outbox_idx").on(t.outboxId)],
);
