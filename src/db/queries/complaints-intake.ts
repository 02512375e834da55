/**
 * Complaint intake: the one function the three doors (survey responses through the queue, the
 * public form, the staff API) call, so every complaint is the same record.
 *
 * One D1 batch, exactly once per intake key:
 *   1. ensure the organisation's settings row and bump complaint_sequence — unless a complaint with
 *      this intake key / source response already exists;
 *   2. insert the complaint, its reference computed in SQL from the counter just bumped
 *      (FL-<year>-<sequence>), `ON CONFLICT DO NOTHING` on the unique keys;
 *   3. gated on the complaint's write nonce: timeline events, audit row, outbox notifications
 *      (their texts get the reference substituted in SQL), the text's pending score row (scored
 *      by the queue consumer: src/db/queries/text-scores.ts) and the round-robin cursor.
 *
 * `prepareComplaintIntake` builds those statements from data already read (`IntakeSources`), so the
 * survey follow-up can put the intakes of a whole queue batch into one D1 batch.
 */
import { and, eq, or } from "drizzle-orm";
import type { AppBindings, Db } from "../../env";
import { complaints } from "../schema";
import {
  applyComplaintActivity,
  type Complaint,
  type ComplaintActor,
  type ComplaintPriority,
  type ComplaintSegment,
  type ComplaintSeverity,
  type ComplaintSource,
  type ComplaintTimelineEvent,
  openComplaint,
  routeComplaint,
  zonedDateTimeParts,
} from "../../domain/complaints";
import { randomSecret, newId, sha256Hex } from "../../lib/ids";
import { ProblemError } from "../../lib/problem";
import type { ComplaintLanguage } from "../../domain/complaints/texts";
import { acknowledgementEmail, REFERENCE_PLACEHOLDER, staffNoticeEmail } from "../../domain/complaints/emails";
import { LINK_PLACEHOLDERS } from "../../domain/email/placeholders";
import {
  auditInsertRow,
  type AuditActor,
  complaintColumns,
  complaintSla,
  complaintStatusSecret,
  complaintStatusUrl,
  type ComplaintOrgContext,
  type ComplaintRow,
  eventInsertRow,
  loadComplaintContext,
  publicOrigin,
  slaColumns,
  userContacts,
} from "./complaints";
import { type AssignmentChoice, chooseAssignee, loadTeams, ROUND_ROBIN_CURSOR_UPSERT, ROUTING_ACTOR, type TeamRouting } from "./complaints-config";
import { ALWAYS, complaintNonceGate, ComplaintRows, driverValue, type Gate, liveResponseGate } from "./complaints-sql";
import { emailOutboxRow, type OutboxInsert, STAFF_DESK_COMPLAINT_PATH, type WebhookEndpointRef, webhookOutboxRows } from "./outbox";
import { subscribedEndpoints } from "./webhooks";
import { pendingComplaintScoreRow, requestComplaintScoring } from "./text-scores";

export type IntakeContact = { name: string | null; email: string | null; phone: string | null; anonymous: boolean };

export type IntakeRequest = {
  organizationId: string;
  source: ComplaintSource;
  /** Idempotency key within the organisation (form submission id, API Idempotency-Key); null = none. */
  intakeKey: string | null;
  sourceResponseId?: string | null;
  sourceSurveyId?: string | null;
  /** Empty: derived from the description's first line. */
  subject?: string | null;
  description: string;
  category?: string | null;
  touchpoint?: string | null;
  region?: string | null;
  tier?: string | null;
  segment?: ComplaintSegment;
  severity?: ComplaintSeverity | null;
  priority?: ComplaintPriority | null;
  desiredRemedy?: string | null;
  contact: IntakeContact;
  language: ComplaintLanguage;
  triggerRuleIds?: string[];
  /** Recorded on the `received` event. */
  actor: ComplaintActor;
  auditActor: AuditActor;
  /** More rows that belong to the new complaint (e-mail record, attachments), written only when it is created. */
  gatedStatements?: (complaintId: string, gate: Gate, d1: D1Database) => D1PreparedStatement[];
  now: Date;
};

export type IntakeResult = {
  created: boolean;
  row: ComplaintRow;
  statusSecret: string;
  statusUrl: string;
  /** Outbox rows to hand to the queue (empty when nothing was created). */
  outboxIds: string[];
};

function deriveSubject(subject: string | null | undefined, description: string): string {
  const given = subject?.trim();
  if (given) return given.slice(0, 300);
  const firstLine = description.trim().split(/\r?\n/)[0]?.trim() ?? "";
  if (!firstLine) return "(no subject)";
  return firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
}

async function findExisting(db: Db, request: IntakeRequest): Promise<ComplaintRow | undefined> {
  const clauses = [];
  if (request.intakeKey) clauses.push(and(eq(complaints.organizationId, request.organizationId), eq(complaints.intakeKey, request.intakeKey)));
  if (request.sourceResponseId) clauses.push(eq(complaints.sourceResponseId, request.sourceResponseId));
  if (clauses.length === 0) return undefined;
  return db.query.complaints.findFirst({ where: clauses.length === 1 ? clauses[0] : or(...clauses) });
}

async function existingResult(env: AppBindings, request: IntakeRequest, row: ComplaintRow): Promise<IntakeResult> {
  if (row.organizationId !== request.organizationId) throw new ProblemError("conflict", "This source already raised a complaint elsewhere.");
  const statusSecret = await complaintStatusSecret(env, row.id);
  return { created: false, row, statusSecret, statusUrl: complaintStatusUrl(env, row.reference, statusSecret), outboxIds: [] };
}

/**
 * What an intake reads besides its request. `createComplaint` reads each on demand; the survey
 * follow-up reads them once for a whole batch of responses (src/jobs/response-completed.ts).
 */
export type IntakeSources = {
  ctx: ComplaintOrgContext;
  teams: () => Promise<TeamRouting[]>;
  chooseAssignee: (team: TeamRouting) => Promise<AssignmentChoice>;
  userContact: (userId: string) => Promise<{ name: string; email: string } | undefined>;
  complaintCreatedEndpoints: () => Promise<WebhookEndpointRef[]>;
};

/** One intake as statements for a D1 batch (no D1 call of its own). */
export type PreparedIntake = {
  id: string;
  statusSecret: string;
  statements: D1PreparedStatement[];
  /** The complaint INSERT: no change means the complaint already existed (nothing else was written). */
  insertIndex: number;
  /** Outbox rows written when the insert was. */
  outboxIds: string[];
};

export function intakeSourcesFromDb(db: Db, ctx: ComplaintOrgContext): IntakeSources {
  return {
    ctx,
    teams: () => loadTeams(db, ctx.organizationId),
    chooseAssignee: (team) => chooseAssignee(db, ctx.organizationId, team),
    userContact: async (userId) => (await userContacts(db, [userId])).get(userId),
    complaintCreatedEndpoints: () => subscribedEndpoints(db, ctx.organizationId, "complaint.created"),
  };
}

export async function createComplaint(db: Db, env: AppBindings, request: IntakeRequest): Promise<IntakeResult> {
  const existing = await findExisting(db, request);
  if (existing) return existingResult(env, request, existing);
  const ctx = await loadComplaintContext(db, request.organizationId);
  const prepared = await prepareComplaintIntake(db.$client, env, request, intakeSourcesFromDb(db, ctx));
  const results = await db.$client.batch(prepared.statements);
  if ((results[prepared.insertIndex]?.meta.changes ?? 0) === 0) {
    const winner = await findExisting(db, request);
    if (!winner) throw new ProblemError("conflict", "The complaint could not be recorded because of a concurrent change; send it again.");
    return existingResult(env, request, winner);
  }
  const created = await db.query.complaints.findFirst({ where: eq(complaints.id, prepared.id) });
  if (!created) throw new Error(`complaint ${prepared.id} vanished after insert`);
  await requestComplaintScoring(env, prepared.id);
  return {
    created: true,
    row: created,
    statusSecret: prepared.statusSecret,
    statusUrl: complaintStatusUrl(env, created.reference, prepared.statusSecret),
    outboxIds: prepared.outboxIds,
  };
}

/**
 * The intake's statements (see the module comment). The existence check before it is the caller's;
 * the batch's own `NOT EXISTS` gates make a concurrent duplicate write nothing.
 *
 * `setRows`: when several intakes go in one batch (the follow-up's set), their timeline, audit,
 * notification, pending-score and round-robin cursor rows are collected there and written as one
 * statement per table after every complaint INSERT of the batch (each row still gated on its own
 * complaint's nonce); without it this intake's statements carry its own.
 */
export async function prepareComplaintIntake(
  d1: D1Database,
  env: AppBindings,
  request: IntakeRequest,
  sources: IntakeSources,
  setRows?: ComplaintRows,
): Promise<PreparedIntake> {
  const { ctx } = sources;
  const { now, organizationId } = request;
  const id = newId("cmp");
  const anonymous = request.contact.anonymous;
  const contact = anonymous ? { name: null, email: null, phone: null } : request.contact;
  const segment: ComplaintSegment = { ...(request.segment ?? {}) };
  for (const key of ["touchpoint", "region", "tier"] as const) {
    const value = request[key];
    if (value) segment[key] = value;
  }
  const description = request.description.trim();
  const opened = openComplaint(
    {
      id,
      organizationId,
      // The real reference is assigned in SQL (see the module comment); the domain only needs a valid shape.
      reference: "FL-0000-000000",
      subject: deriveSubject(request.subject, description),
      description,
      priority: request.priority ?? "normal",
      severity: request.severity ?? null,
      category: request.category ?? null,
      touchpoint: request.touchpoint ? request.touchpoint.slice(0, 100) : null,
      source: request.source,
      sourceResponseId: request.sourceResponseId ?? null,
      complainantId: contact.email ? contact.email.toLowerCase() : null,
      segment,
      triggerRuleIds: request.triggerRuleIds ?? [],
    },
    request.actor,
    now,
  );
  let complaint: Complaint = opened.complaint;
  const events: ComplaintTimelineEvent[] = [...opened.events];

  // Routing: first matching rule (or the default team), then the team's assignment strategy.
  let cursorRow: Record<string, unknown> | null = null;
  if (ctx.routing) {
    const decision = routeComplaint(ctx.routing, complaint);
    const team = (await sources.teams()).find((candidate) => candidate.teamId === decision.teamId);
    if (team) {
      const choice = await sources.chooseAssignee(team);
      const assigned = applyComplaintActivity(
        complaint,
        {
          actor: ROUTING_ACTOR,
          activity: {
            kind: "assign",
            teamId: team.teamId,
            assigneeId: choice.assigneeId,
            reason: decision.ruleId ? "routing_rule" : choice.reason,
            ...(decision.ruleId ? { ruleId: decision.ruleId } : {}),
          },
        },
        now,
      );
      if (assigned.ok) {
        complaint = assigned.complaint;
        events.push(...assigned.events);
        cursorRow = choice.cursorRow;
      }
    }
  }

  const sla = complaintSla(complaint, ctx, now);
  const statusSecret = await complaintStatusSecret(env, id);
  const nonce = randomSecret(16);
  const gate = complaintNonceGate(id, nonce);
  const year = zonedDateTimeParts(now, ctx.timeZone).year;

  const row: Record<string, unknown> = {
    id,
    organization_id: organizationId,
    status_secret_hash: await sha256Hex(statusSecret),
    source: request.source,
    source_response_id: request.sourceResponseId ?? null,
    source_survey_id: request.sourceSurveyId ?? null,
    intake_key: request.intakeKey,
    subject: complaint.subject,
    description: complaint.description,
    region: request.region ?? null,
    tier: request.tier ?? null,
    segment: complaint.segment,
    desired_remedy: request.desiredRemedy?.trim() || null,
    contact_name: contact.name?.trim() || null,
    contact_email: contact.email?.trim().toLowerCase() || null,
    contact_phone: contact.phone?.trim() || null,
    anonymous,
    language: request.language,
    received_at: complaint.receivedAt,
    ...complaintColumns(complaint),
    ...slaColumns(complaint, ctx, now),
    escalations: [],
    version: 0,
    write_nonce: nonce,
    created_at: now,
    updated_at: now,
  };
  const columns = Object.keys(row);
  const duplicate = `EXISTS (SELECT 1 FROM complaints WHERE (organization_id = ? AND intake_key = ?) OR source_response_id = ?)`;
  // A complaint raised from a response is written only while that response is unerased (the consumer
  // may have read it just before the respondent's erasure).
  const source = request.sourceResponseId ? liveResponseGate(request.sourceResponseId) : ALWAYS;
  const writable = `NOT ${duplicate} AND ${source.sql}`;
  const writableParams = [organizationId, request.intakeKey, request.sourceResponseId ?? null, ...source.params.map(driverValue)];

  // Notifications (texts carry @@REFERENCE@@, replaced in SQL).
  const outbox: OutboxInsert[] = [];
  if (contact.email) {
    outbox.push(
      emailOutboxRow({
        organizationId,
        complaintId: id,
        eventType: "complaint.acknowledgement",
        to: contact.email.trim().toLowerCase(),
        language: request.language,
        content: acknowledgementEmail({
          language: request.language,
          reference: REFERENCE_PLACEHOLDER,
          name: contact.name,
          promisedAt: sla.promisedResolutionAt,
          timeZone: ctx.timeZone,
          // The status link is a secret: rendered when the e-mail is sent, never stored in the outbox.
          statusUrl: LINK_PLACEHOLDERS.statusUrl,
          organizationName: ctx.organizationName,
        }),
        now,
        options: { replyToComplaint: true },
      }),
    );
  }
  if (complaint.assigneeId) {
    const assignee = await sources.userContact(complaint.assigneeId);
    if (assignee) {
      outbox.push(
        emailOutboxRow({
          organizationId,
          complaintId: id,
          eventType: "complaint.assigned",
          to: assignee.email,
          content: staffNoticeEmail({
            kind: "assigned",
            reference: REFERENCE_PLACEHOLDER,
            subject: complaint.subject,
            category: complaint.category,
            deskUrl: `${publicOrigin(env)}${STAFF_DESK_COMPLAINT_PATH}${id}`,
          }),
          now,
        }),
      );
    }
  }
  outbox.push(
    ...webhookOutboxRows({
      organizationId,
      endpoints: await sources.complaintCreatedEndpoints(),
      eventType: "complaint.created",
      complaintId: id,
      data: {
        id,
        reference: REFERENCE_PLACEHOLDER,
        source: complaint.source,
        state: complaint.state,
        priority: complaint.priority,
        severity: complaint.severity,
        category: complaint.category,
        touchpoint: complaint.touchpoint,
        teamId: complaint.teamId,
        assigneeId: complaint.assigneeId,
        sourceResponseId: complaint.sourceResponseId,
        receivedAt: complaint.receivedAt.toISOString(),
        promisedResolutionAt: sla.promisedResolutionAt.toISOString(),
      },
      now,
    }),
  );

  const statements: D1PreparedStatement[] = [
    // One upsert: the organisation's first complaint creates its settings row at 1, later ones count on.
    d1
      .prepare(
        `INSERT INTO organization_settings (organization_id, complaint_sequence) SELECT ?, 1 WHERE ${writable}
         ON CONFLICT (organization_id) DO UPDATE SET complaint_sequence = complaint_sequence + 1`,
      )
      .bind(organizationId, ...writableParams),
    d1
      .prepare(
        `INSERT INTO complaints (reference, ${columns.join(", ")})
         SELECT 'FL-' || ? || '-' || printf('%06d', (SELECT complaint_sequence FROM organization_settings WHERE organization_id = ?)), ${columns.map(() => "?").join(", ")}
         WHERE ${writable}
         ON CONFLICT DO NOTHING`,
      )
      .bind(String(year), organizationId, ...columns.map((column) => driverValue(row[column])), ...writableParams),
  ];
  const insertIndex = statements.length - 1;
  const auditRow = auditInsertRow(
    organizationId,
    request.auditActor,
    { action: "complaint.created", targetType: "complaint", targetId: id, data: { reference: REFERENCE_PLACEHOLDER, source: request.source } },
    now,
  );
  const scoreRow = pendingComplaintScoreRow({
    id,
    organizationId,
    subject: complaint.subject,
    description: complaint.description,
    touchpoint: complaint.touchpoint,
    region: request.region ?? null,
    tier: request.tier ?? null,
    anonymous,
    receivedAt: complaint.receivedAt,
    surveyId: request.sourceSurveyId ?? null,
  });
  // Every door's complaint (form, trigger, API, e-mail) waits for its text score and category
  // suggestion, which the queue consumer computes (docs/text-analytics.md): the pending score row.
  // In a follow-up set these rows, and the timeline events, join the set's (one statement per table
  // for the whole set).
  const rows = setRows ?? new ComplaintRows();
  for (const event of events) rows.add("complaint_events", { complaintId: id, nonce, row: eventInsertRow(organizationId, id, event) });
  rows.add("audit_log", { complaintId: id, nonce, row: auditRow }, { referenceColumns: ["data"] });
  for (const item of outbox) rows.add("outbox", { complaintId: id, nonce, row: item }, { referenceColumns: ["subject", "payload"], onConflictDoNothing: true });
  rows.add("text_scores", { complaintId: id, nonce, row: scoreRow }, { onConflictDoNothing: true });
  // A round-robin team's cursor too: a set's complaints of one team leave the last one's cursor.
  if (cursorRow) rows.add("complaint_teams", { complaintId: id, nonce, row: cursorRow }, { upsert: ROUND_ROBIN_CURSOR_UPSERT });
  if (!setRows) statements.push(...rows.statements(d1));
  statements.push(...(request.gatedStatements?.(id, gate, d1) ?? []));

  return { id, statusSecret, statements, insertIndex, outboxIds: outbox.map((item) => item.id) };
}
