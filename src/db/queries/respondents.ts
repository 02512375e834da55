/**
 * Privacy requests about one respondent, found by e-mail across the organisation (GDPR art. 15/17,
 * PIPL art. 45/47): everything stored about them — invitations, responses with their notes,
 * complaints with their timelines, e-mails sent to them — exported as JSON, deleted, or anonymised.
 * See docs/privacy.md.
 *
 * Matching: invitations and complaints by e-mail (case-insensitive), responses by the e-mail they
 * were completed with or by one of those invitations, complaints also by a matched response that
 * raised them. A survey in anonymous mode stores neither, so its responses are not found here —
 * which is the point of the mode.
 *
 * The audit log records each request with the SHA-256 of the e-mail, never the e-mail: the log
 * proves "a request for X was carried out" to anyone who knows X, without keeping X itself.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import {
  complaintEvents,
  complaintHandoffs,
  complaints,
  outbox,
  responseNotes,
  responses,
  surveyInvitations,
  surveys,
} from "../schema";
import { randomSecret, sha256Hex } from "../../lib/ids";
import { auditInsert } from "./audit";
import { invitationStatus } from "./invitations";
import { anonymiseResponses, auditStatement, deleteResponses, type ResponseRow } from "./response-admin";
import { compactSearchIndexStatement, deleteComplaintTextsStatements } from "./text-scores";
import { complaintAttachmentKeys } from "./inbound-email";

export type ErasureMode = "delete" | "anonymise";

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function emailHash(email: string): Promise<string> {
  return sha256Hex(`feedloop.respondent:${normaliseEmail(email)}`);
}

const ANONYMISED = "[anonymised]";

/** Free text inside a complaint's resolution: the customer's position and what staff offered them. */
const RESOLUTION_TEXTS = ["$.customerDisagreement", "$.alternativesOffered", "$.note"];
/** Free text in timeline event data: replies, notes, reasons, remedies, the resolution's texts. */
const EVENT_TEXTS = ["$.text", "$.reason", "$.proposedRemedy", "$.comment", "$.message", ...RESOLUTION_TEXTS.map((path) => path.replace("$.", "$.resolution."))];
/**
 * What an audit record of an erased complaint keeps: the kind of step and its structure. A list of
 * what stays (not of what goes), so a text field added later is erased too.
 */
const AUDIT_STRUCTURE_KEYS = ["kind", "from", "to", "reference", "source", "transition", "handoffId", "ownerId", "status", "category", "priority", "severity", "teamId", "assigneeId", "auto"];

type Found = {
  invitations: (typeof surveyInvitations.$inferSelect)[];
  responses: ResponseRow[];
  notes: (typeof responseNotes.$inferSelect)[];
  complaints: (typeof complaints.$inferSelect)[];
  complaintEvents: (typeof complaintEvents.$inferSelect)[];
  complaintHandoffs: (typeof complaintHandoffs.$inferSelect)[];
  emails: (typeof outbox.$inferSelect)[];
  surveySlugs: Map<string, string>;
};

/** Bound as one JSON parameter: any number of ids without D1's 100-parameter limit. */
const jsonIds = (ids: string[]) => JSON.stringify(ids);

/** Complaints that are the respondent's: by their contact address, or raised from one of their responses. */
function respondentComplaintsQuery(db: Db, organizationId: string, address: string, responseIds: string[]) {
  return db
    .select()
    .from(complaints)
    .where(
      and(
        eq(complaints.organizationId, organizationId),
        sql`(lower(${complaints.contactEmail}) = ${address} OR ${complaints.sourceResponseId} IN (SELECT value FROM json_each(${jsonIds(responseIds)})))`,
      ),
    )
    .orderBy(asc(complaints.receivedAt));
}

export async function findRespondent(db: Db, organizationId: string, email: string): Promise<Found> {
  const address = normaliseEmail(email);
  const invitations = await db
    .select()
    .from(surveyInvitations)
    .where(and(eq(surveyInvitations.organizationId, organizationId), sql`lower(${surveyInvitations.email}) = ${address}`))
    .orderBy(asc(surveyInvitations.createdAt));
  const invitationIds = invitations.map((i) => i.id);
  const responseRows = await db
    .select()
    .from(responses)
    .where(
      and(
        eq(responses.organizationId, organizationId),
        sql`(lower(${responses.respondentEmail}) = ${address} OR ${responses.invitationId} IN (SELECT value FROM json_each(${jsonIds(invitationIds)})))`,
      ),
    )
    .orderBy(asc(responses.createdAt));
  const responseIds = responseRows.map((r) => r.id);
  const [notes, complaintRows, emails, surveyRows] = await db.batch([
    db
      .select()
      .from(responseNotes)
      .where(and(eq(responseNotes.organizationId, organizationId), sql`${responseNotes.responseId} IN (SELECT value FROM json_each(${jsonIds(responseIds)}))`))
      .orderBy(asc(responseNotes.createdAt)),
    respondentComplaintsQuery(db, organizationId, address, responseIds),
    db
      .select()
      .from(outbox)
      .where(and(eq(outbox.organizationId, organizationId), eq(outbox.kind, "email"), sql`lower(${outbox.recipient}) = ${address}`))
      .orderBy(asc(outbox.createdAt)),
    db.select({ id: surveys.id, slug: surveys.slug }).from(surveys).where(eq(surveys.organizationId, organizationId)),
  ]);
  const complaintIds = complaintRows.map((c) => c.id);
  const [events, handoffs] =
    complaintIds.length === 0
      ? [[], []]
      : await db.batch([
          db
            .select()
            .from(complaintEvents)
            .where(and(eq(complaintEvents.organizationId, organizationId), sql`${complaintEvents.complaintId} IN (SELECT value FROM json_each(${jsonIds(complaintIds)}))`))
            .orderBy(asc(complaintEvents.at)),
          db
            .select()
            .from(complaintHandoffs)
            .where(and(eq(complaintHandoffs.organizationId, organizationId), sql`${complaintHandoffs.complaintId} IN (SELECT value FROM json_each(${jsonIds(complaintIds)}))`)),
        ]);
  return {
    invitations,
    responses: responseRows,
    notes,
    complaints: complaintRows,
    complaintEvents: events,
    complaintHandoffs: handoffs,
    emails,
    surveySlugs: new Map(surveyRows.map((s) => [s.id, s.slug])),
  };
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** The JSON a data-subject access request answers with. */
export async function exportRespondent(db: Db, principal: Principal, email: string, now = new Date()) {
  const found = await findRespondent(db, principal.organizationId, email);
  const body = {
    format: "feedloop.respondent-export/1",
    email: normaliseEmail(email),
    generatedAt: now.toISOString(),
    invitations: found.invitations.map((i) => ({
      id: i.id,
      surveyId: i.surveyId,
      surveySlug: found.surveySlugs.get(i.surveyId) ?? null,
      email: i.email,
      hidden: (i.hidden as Record<string, string> | null) ?? {},
      status: invitationStatus(i, now),
      validFrom: iso(i.validFrom),
      validUntil: iso(i.validUntil),
      openedAt: iso(i.openedAt),
      startedAt: iso(i.startedAt),
      completedAt: iso(i.completedAt),
      remindedAt: iso(i.remindedAt),
      reminderCount: i.reminderCount,
      createdAt: iso(i.createdAt),
    })),
    responses: found.responses.map((r) => ({
      id: r.id,
      surveyId: r.surveyId,
      surveySlug: found.surveySlugs.get(r.surveyId) ?? null,
      version: r.version,
      status: r.status,
      language: r.language,
      email: r.respondentEmail,
      invitationId: r.invitationId,
      ip: r.ip,
      hidden: r.hidden,
      answers: r.answers,
      tags: r.tags ?? [],
      anonymised: r.anonymised,
      createdAt: iso(r.createdAt),
      completedAt: iso(r.completedAt),
      notes: found.notes
        .filter((n) => n.responseId === r.id)
        .map((n) => ({ id: n.id, authorName: n.authorName, body: n.body, createdAt: iso(n.createdAt) })),
    })),
    complaints: found.complaints.map((c) => ({
      id: c.id,
      reference: c.reference,
      source: c.source,
      subject: c.subject,
      description: c.description,
      category: c.category,
      state: c.state,
      priority: c.priority,
      contact: { name: c.contactName, email: c.contactEmail, phone: c.contactPhone },
      desiredRemedy: c.desiredRemedy,
      proposedRemedy: c.proposedRemedy,
      resolution: c.resolution,
      sourceResponseId: c.sourceResponseId,
      receivedAt: iso(c.receivedAt),
      closedAt: iso(c.closedAt),
      timeline: found.complaintEvents
        .filter((e) => e.complaintId === c.id)
        .map((e) => ({ type: e.type, visibility: e.visibility, actorKind: e.actorKind, actorName: e.actorName, data: e.data, at: iso(e.at) })),
    })),
    emailsSent: found.emails.map((m) => ({ id: m.id, eventType: m.eventType, subject: m.subject, status: m.status, createdAt: iso(m.createdAt), deliveredAt: iso(m.deliveredAt) })),
  };
  await auditInsert(db, principal, {
    action: "respondent.exported",
    targetType: "respondent",
    targetId: await emailHash(email),
    data: { invitations: body.invitations.length, responses: body.responses.length, complaints: body.complaints.length },
  }).run();
  return body;
}

export type ErasureSummary = {
  mode: ErasureMode;
  invitations: number;
  responses: number;
  /** Completed responses taken out of (delete) or kept in (anonymise) the statistics. */
  completedResponses: number;
  notes: number;
  complaints: number;
  /** Files the customer sent by e-mail, deleted from R2 (ATTACHMENTS). */
  attachments: number;
  emails: number;
  /** Responses that kept changing during the request; run it again to finish them. */
  skippedResponses: string[];
};

/**
 * Deletes or anonymises everything about one respondent. Responses go first, in batches that keep
 * the statistics exact (src/db/queries/response-admin.ts); then complaints, invitations and
 * e-mails, with the audit row, in one batch. Re-running the request finishes anything a failure
 * left behind (every step is idempotent).
 */
export async function eraseRespondent(
  db: Db,
  principal: Principal,
  email: string,
  mode: ErasureMode,
  options: { attachments: Pick<R2Bucket, "delete">; now?: Date },
): Promise<ErasureSummary> {
  const now = options.now ?? new Date();
  const { organizationId } = principal;
  const address = normaliseEmail(email);
  const found = await findRespondent(db, organizationId, address);
  const responseIds = found.responses.map((r) => r.id);
  const erased =
    mode === "delete" ? await deleteResponses(db, organizationId, found.responses) : await anonymiseResponses(db, organizationId, found.responses, now);

  const d1 = db.$client;
  // Read again now that the responses are erased: the follow-up consumer may have raised a complaint
  // from one of them since `findRespondent`, and cannot any more (its writes require the response
  // unerased, `liveResponseGate`), so this list is complete.
  const respondentComplaints = await respondentComplaintsQuery(db, organizationId, address, responseIds);
  const complaintIds = jsonIds(respondentComplaints.map((c) => c.id));
  const statements: D1PreparedStatement[] = [];
  // Both modes: the complaints' texts are gone (deleted or replaced), and so are their stored copies and scores.
  // The responses' texts went with them above; the search index keeps no trace of either.
  statements.push(...deleteComplaintTextsStatements(d1, organizationId, complaintIds), compactSearchIndexStatement(d1));
  // Both modes: the files the customer e-mailed (R2, deleted first so a re-run finds any key a failed
  // batch left) and the record of their messages (the sender's address).
  const attachmentKeys = await complaintAttachmentKeys(db, organizationId, respondentComplaints.map((c) => c.id));
  if (attachmentKeys.length > 0) await options.attachments.delete(attachmentKeys);
  statements.push(
    d1.prepare(`DELETE FROM complaint_attachments WHERE organization_id = ?1 AND complaint_id IN (SELECT value FROM json_each(?2))`).bind(organizationId, complaintIds),
    d1.prepare(`DELETE FROM inbound_emails WHERE organization_id = ?1 AND complaint_id IN (SELECT value FROM json_each(?2))`).bind(organizationId, complaintIds),
  );
  if (mode === "delete") {
    statements.push(
      d1.prepare(`DELETE FROM complaint_events WHERE organization_id = ?1 AND complaint_id IN (SELECT value FROM json_each(?2))`).bind(organizationId, complaintIds),
      d1.prepare(`DELETE FROM complaint_handoffs WHERE organization_id = ?1 AND complaint_id IN (SELECT value FROM json_each(?2))`).bind(organizationId, complaintIds),
      d1.prepare(`DELETE FROM outbox WHERE organization_id = ?1 AND complaint_id IN (SELECT value FROM json_each(?2))`).bind(organizationId, complaintIds),
      d1.prepare(`DELETE FROM complaints WHERE organization_id = ?1 AND id IN (SELECT value FROM json_each(?2))`).bind(organizationId, complaintIds),
      // Webhook messages carried the deleted responses' answers.
      d1
        .prepare(`DELETE FROM outbox WHERE organization_id = ?1 AND kind = 'webhook' AND json_extract(payload, '$.data.id') IN (SELECT value FROM json_each(?2))`)
        .bind(organizationId, jsonIds(responseIds)),
    );
  } else {
    statements.push(
      d1
        .prepare(
          `UPDATE complaints SET contact_name = NULL, contact_email = NULL, contact_phone = NULL, anonymous = 1, description = ?3,
             subject = ?3, handling_survey_url = NULL,
             desired_remedy = CASE WHEN desired_remedy IS NULL THEN NULL ELSE ?3 END,
             proposed_remedy = CASE WHEN proposed_remedy IS NULL THEN NULL ELSE ?3 END,
             resolution = CASE WHEN resolution IS NULL THEN NULL ELSE json_replace(resolution, ${RESOLUTION_TEXTS.map((path) => `'${path}', ?3`).join(", ")}) END,
             segment = (SELECT json_group_object(key, value) FROM json_each(complaints.segment) WHERE key IN ('touchpoint', 'region', 'tier')),
             status_secret_hash = ?4, version = version + 1, updated_at = ?5
           WHERE organization_id = ?1 AND id IN (SELECT value FROM json_each(?2))`,
        )
        .bind(organizationId, complaintIds, ANONYMISED, await sha256Hex(randomSecret(32)), now.getTime()),
      // Texts exchanged with the customer or written about them, and the customer's name as the actor
      // of their own steps; the structure stays valid.
      d1
        .prepare(
          // The names of files sent with replies go too (the files themselves are deleted above).
          `UPDATE complaint_events SET data = json_remove(json_replace(data, ${EVENT_TEXTS.map((path) => `'${path}', ?3`).join(", ")}), '$.attachments'),
             actor_name = CASE WHEN actor_kind = 'customer' THEN NULL ELSE actor_name END
           WHERE organization_id = ?1 AND complaint_id IN (SELECT value FROM json_each(?2))`,
        )
        .bind(organizationId, complaintIds, ANONYMISED),
      d1
        .prepare(
          `UPDATE outbox SET payload = json_remove(payload, '$.data.answers', '$.data.hidden')
           WHERE organization_id = ?1 AND kind = 'webhook' AND json_extract(payload, '$.data.id') IN (SELECT value FROM json_each(?2))`,
        )
        .bind(organizationId, jsonIds(responseIds)),
      // E-mails about complaints went to the address; their content names the customer.
      d1.prepare(`DELETE FROM outbox WHERE organization_id = ?1 AND kind = 'email' AND complaint_id IN (SELECT value FROM json_each(?2))`).bind(organizationId, complaintIds),
    );
  }
  // Both modes: the personal links (they hold the e-mail) and e-mails addressed to them, and the audit
  // log's records of the complaints keep who did what when, but no text (notes and replies were copied there).
  statements.push(
    d1
      .prepare(
        `UPDATE audit_log SET data = (SELECT json_group_object(key, value) FROM json_each(audit_log.data) WHERE key IN (SELECT value FROM json_each(?3)))
         WHERE organization_id = ?1 AND target_type = 'complaint' AND target_id IN (SELECT value FROM json_each(?2)) AND data IS NOT NULL`,
      )
      .bind(organizationId, complaintIds, JSON.stringify(AUDIT_STRUCTURE_KEYS)),
    d1.prepare(`DELETE FROM survey_invitations WHERE organization_id = ?1 AND lower(email) = ?2`).bind(organizationId, address),
    d1.prepare(`DELETE FROM outbox WHERE organization_id = ?1 AND kind = 'email' AND lower(recipient) = ?2`).bind(organizationId, address),
  );
  const summary: ErasureSummary = {
    mode,
    invitations: found.invitations.length,
    responses: erased.responses,
    completedResponses: erased.completed,
    notes: erased.notes,
    complaints: respondentComplaints.length,
    attachments: attachmentKeys.length,
    emails: found.emails.length,
    skippedResponses: erased.skipped,
  };
  statements.push(
    auditStatement(d1, principal, {
      action: mode === "delete" ? "respondent.deleted" : "respondent.anonymised",
      targetType: "respondent",
      targetId: await emailHash(address),
      data: { ...summary, responseIds, complaintIds: respondentComplaints.map((c) => c.id) },
    }, now),
  );
  await d1.batch(statements);
  return summary;
}
