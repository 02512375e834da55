/**
 * Customer-list import: a CSV of e-mails (plus segment columns) becomes personal invitations.
 *
 * - The file is checked as a whole first: size, row count, RFC 4180 syntax, an `email` column,
 *   no unknown or repeated columns. Any of these fails the request and nothing is imported.
 * - Then row by row: a valid e-mail, not repeated in the file, not invited within the
 *   organisation's fatigue period (./invitation-fatigue.ts, shared with the JSON endpoint),
 *   segment values allowed by the survey's hidden fields, valid_from/valid_until dates.
 * - With any rejected row nothing is imported unless `partial` is set; then the valid rows are.
 * - All inserts and the audit row go into ONE D1 batch (a transaction), as set-based INSERT …
 *   SELECT over a JSON parameter (500 rows per statement, three bound parameters — D1 allows 100).
 *   The batch ends with a guard that aborts it, rolling everything back, if a concurrent import
 *   invited one of these addresses in the meantime (the fatigue rule holds under races); the
 *   rows are then checked again.
 *
 * Tokens are random and only their SHA-256 is stored, so the personal links exist only in this
 * import's answer (JSON, or CSV with `Accept: text/csv`). They cannot be exported later.
 */
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Principal } from "../../env";
import { surveyInvitations, surveys } from "../schema";
import type { SurveyDefinition } from "../../domain/survey/definition";
import { MAX_HIDDEN_FIELD_VALUE_LENGTH } from "../../domain/survey/definition";
import { CsvSyntaxError, CsvTooManyRecordsError, readCsvRecords } from "../../domain/csv";
import { newId, randomSecret, sha256Hex } from "../../lib/ids";
import { ProblemError, type FieldError } from "../../lib/problem";
import { auditStatement } from "./response-admin";
import { invitationStatus } from "./invitations";
import type { EmailPayload } from "./outbox";
import { LINK_PLACEHOLDERS } from "../../domain/email/placeholders";
import { emailOutboxInsertStatements } from "./outbox";
import { invitationEmailRows, invitationMailContext, withoutSuppressed } from "./invitation-email";
import type { SuppressionReason } from "./email-suppression";
import { reminderCutoffs, type ReminderSchedule } from "../../domain/email/reminder-schedule";
import { INVITATION_LANGUAGES, type InvitationLanguage, unsubscribeFooter } from "../../domain/email/invitation-template";
import { fatigueDays, fatigueGuardStatement, fatigueMessage, fatiguePeriodStart, isFatigueGuardFailure, recentInvitations } from "./invitation-fatigue";

export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 10_000;
const INSERT_ROWS_PER_STATEMENT = 500;

export type RowError = { field: string; code: string; message: string };
export type RejectedRow = { row: number; line: number; email: string | null; errors: RowError[] };
export type ImportRow = {
  row: number;
  line: number;
  email: string;
  hidden: Record<string, string>;
  validFrom: Date | null;
  validUntil: Date | null;
  /** The `language` column: the invitation e-mail's language (and the survey's) for this row. */
  language: InvitationLanguage | null;
};
/** `url` is null when the invitation was e-mailed: the link then exists only in the recipient's message. */
export type ImportedInvitation = ImportRow & { id: string; url: string | null };
export type SuppressedRow = { row: number; email: string; reason: SuppressionReason };

export type ImportOutcome = {
  accepted: number;
  rejected: RejectedRow[];
  invitations: ImportedInvitation[];
  /** Rows not invited because the address is on the organisation's suppression list (unsubscribed, bounced, …). */
  suppressed: SuppressedRow[];
  /** With `send`: the queued invitation e-mails (hand them to the queue). */
  outboxIds: string[];
  /** Hidden-field columns of the file, in file order (for the links CSV). */
  hiddenColumns: string[];
};

const EmailSchema = z.email().max(320);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DateTimeSchema = z.iso.datetime({ offset: true });

/** A date means the whole day (UTC): valid_until 2026-12-31 is valid through that day. */
function parseDateCell(value: string, edge: "start" | "end"): Date | null {
  if (DATE_ONLY.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== value) return null;
    return new Date(edge === "start" ? start : start + 86_400_000);
  }
  if (!DateTimeSchema.safeParse(value).success) return null;
  return new Date(value);
}

function fileProblem(detail: string, errors?: FieldError[]): ProblemError {
  return new ProblemError("bad-request", `${detail} Nothing was imported.`, { errors, extensions: { accepted: 0, rejected: [] } });
}

/** Reads and checks the file; row problems are returned, file problems thrown. */
export function parseInvitationCsv(
  text: string,
  definition: Pick<SurveyDefinition, "hiddenFields">,
  now: Date,
  limits: { maxRows?: number } = {},
): { rows: ImportRow[]; rejected: RejectedRow[]; hiddenColumns: string[] } {
  const maxRows = limits.maxRows ?? IMPORT_MAX_ROWS;
  let records;
  try {
    records = readCsvRecords(text, { maxRecords: maxRows + 1 });
  } catch (error) {
    if (error instanceof CsvTooManyRecordsError) throw fileProblem(`The file has more than ${maxRows} rows; split it into several imports.`);
    if (error instanceof CsvSyntaxError) throw fileProblem(`The file is not valid CSV: ${error.message}.`, [{ field: `line ${error.line}`, code: "csv_syntax", message: error.message }]);
    throw error;
  }
  const header = records[0];
  if (!header) throw fileProblem("The file is empty; the first row must name the columns, e.g. email,touchpoint,region.");
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  const hiddenById = new Map(definition.hiddenFields.map((field) => [field.id, field]));
  const allowed = ["email", "valid_from", "valid_until", "language", ...hiddenById.keys()];
  const headerErrors: FieldError[] = [];
  columns.forEach((name, index) => {
    if (name === "") headerErrors.push({ field: `column ${index + 1}`, code: "empty_column_name", message: "has no name" });
    else if (!allowed.includes(name)) headerErrors.push({ field: `column ${index + 1}`, code: "unknown_column", message: `"${name}" is not a column this survey accepts` });
    else if (columns.indexOf(name) !== index) headerErrors.push({ field: `column ${index + 1}`, code: "duplicate_column", message: `"${name}" appears more than once` });
  });
  if (!columns.includes("email")) headerErrors.unshift({ field: "email", code: "missing_column", message: "the header row has no email column" });
  if (headerErrors.length > 0) {
    throw new ProblemError(
      "validation-failed",
      `The header row is not usable: ${headerErrors.map((e) => `${e.field} ${e.message}`).join("; ")}. Allowed columns: ${allowed.join(", ")}. Nothing was imported.`,
      { errors: headerErrors, extensions: { accepted: 0, rejected: [] } },
    );
  }

  const rows: ImportRow[] = [];
  const rejected: RejectedRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const record of records.slice(1)) {
    const errors: RowError[] = [];
    const cell = (name: string) => {
      const index = columns.indexOf(name);
      return index < 0 ? "" : (record.fields[index] ?? "").replace(/[\u0000-\u001F\u007F]/g, "").trim();
    };
    if (record.fields.length !== columns.length) {
      errors.push({ field: "(row)", code: "field_count", message: `has ${record.fields.length} fields; the header has ${columns.length}` });
    }
    const email = cell("email").toLowerCase();
    if (!email) errors.push({ field: "email", code: "required", message: "is empty" });
    else if (!EmailSchema.safeParse(email).success) errors.push({ field: "email", code: "invalid_email", message: `"${email}" is not a valid e-mail address` });
    else if (firstRowOf.has(email)) errors.push({ field: "email", code: "duplicate", message: `repeats row ${firstRowOf.get(email)}; each address may appear once` });
    const hidden: Record<string, string> = {};
    for (const [id, field] of hiddenById) {
      const value = cell(id);
      if (!value) continue;
      if ([...value].length > MAX_HIDDEN_FIELD_VALUE_LENGTH) errors.push({ field: id, code: "too_long", message: `is longer than ${MAX_HIDDEN_FIELD_VALUE_LENGTH} characters` });
      else if (field.allowedValues && !field.allowedValues.includes(value)) {
        errors.push({ field: id, code: "not_allowed", message: `"${value}" is not one of ${field.allowedValues.join(", ")}` });
      } else hidden[id] = value;
    }
    const dates: Record<"valid_from" | "valid_until", Date | null> = { valid_from: null, valid_until: null };
    for (const name of ["valid_from", "valid_until"] as const) {
      const value = cell(name);
      if (!value) continue;
      const date = parseDateCell(value, name === "valid_from" ? "start" : "end");
      if (!date) errors.push({ field: name, code: "invalid_date", message: `"${value}" is not a date (YYYY-MM-DD) or an ISO date-time with offset` });
      else dates[name] = date;
    }
    const languageCell = cell("language");
    const language = languageCell ? INVITATION_LANGUAGES.find((code) => code.toLowerCase() === languageCell.toLowerCase()) : null;
    if (language === undefined) errors.push({ field: "language", code: "not_allowed", message: `"${languageCell}" is not one of ${INVITATION_LANGUAGES.join(", ")}` });
    if (dates.valid_until && dates.valid_until.getTime() <= now.getTime()) errors.push({ field: "valid_until", code: "in_the_past", message: "is already over" });
    if (dates.valid_from && dates.valid_until && dates.valid_from >= dates.valid_until) {
      errors.push({ field: "valid_until", code: "invalid_range", message: "must be after valid_from" });
    }
    if (errors.length > 0) {
      rejected.push({ row: record.record, line: record.line, email: email || null, errors });
      continue;
    }
    firstRowOf.set(email, record.record);
    rows.push({ row: record.record, line: record.line, email, hidden, validFrom: dates.valid_from, validUntil: dates.valid_until, language: language ?? null });
  }
  if (rows.length === 0 && rejected.length === 0) throw fileProblem("The file has a header row but no data rows.");
  return { rows, rejected, hiddenColumns: columns.filter((c) => hiddenById.has(c)) };
}

/** Moves rows whose address was invited within the fatigue period to `rejected`. */
async function applyFatigueRule(db: Db, organizationId: string, parsed: { rows: ImportRow[]; rejected: RejectedRow[] }, days: number, now: Date) {
  const recent = await recentInvitations(db, organizationId, parsed.rows.map((r) => r.email), fatiguePeriodStart(now, days));
  const rows: ImportRow[] = [];
  const rejected = [...parsed.rejected];
  for (const row of parsed.rows) {
    const hit = recent.get(row.email);
    if (!hit) rows.push(row);
    else {
      rejected.push({
        row: row.row,
        line: row.line,
        email: row.email,
        errors: [
          {
            field: "email",
            code: "fatigue",
            message: fatigueMessage(hit, days),
          },
        ],
      });
    }
  }
  rejected.sort((a, b) => a.row - b.row);
  return { rows, rejected };
}

export async function importInvitations(
  db: Db,
  principal: Principal,
  survey: { id: string; slug: string; title: string },
  definition: Pick<SurveyDefinition, "hiddenFields" | "defaultLanguage">,
  text: string,
  options: {
    partial: boolean;
    origin: string;
    now?: Date;
    maxRows?: number;
    /** E-mail each invitee their personal link (token derived from the invitation, generation 0). */
    send?: { token: (invitationId: string) => Promise<string> } | null;
  },
): Promise<ImportOutcome> {
  const now = options.now ?? new Date();
  const parsedFile = parseInvitationCsv(text, definition, now, { maxRows: options.maxRows });
  // Suppressed addresses are skipped and reported, not rejected: they do not stop the import.
  const { wanted, suppressed: suppressedIndexes } = await withoutSuppressed(db, principal.organizationId, parsedFile.rows);
  const suppressed = suppressedIndexes.map(({ index, email, reason }) => ({ row: parsedFile.rows[index]!.row, email, reason }));
  const parsed = { ...parsedFile, rows: wanted };
  const mail = options.send ? await invitationMailContext(db, principal.organizationId) : null;
  const fallbackLanguage: InvitationLanguage = INVITATION_LANGUAGES.find((code) => code === definition.defaultLanguage) ?? "en";
  const days = await fatigueDays(db, principal.organizationId);
  for (let attempt = 0; ; attempt++) {
    const checked = days ? await applyFatigueRule(db, principal.organizationId, parsed, days, now) : parsed;
    if (checked.rejected.length > 0 && !options.partial) {
      throw new ProblemError(
        "validation-failed",
        `${checked.rejected.length} of ${checked.rows.length + checked.rejected.length} rows were rejected, so nothing was imported. Fix them and upload again, or send ?partial=true to import the ${checked.rows.length} valid rows.`,
        {
          errors: checked.rejected.slice(0, 100).flatMap((r) => r.errors.map((e) => ({ field: `row ${r.row}.${e.field}`, code: e.code, message: e.message }))),
          extensions: { accepted: 0, valid: checked.rows.length, rejected: checked.rejected },
        },
      );
    }
    const invitations: ImportedInvitation[] = [];
    const payload: { id: string; t: string; e: string; h: string; f: number | null; u: number | null }[] = [];
    for (const row of checked.rows) {
      const id = newId("inv");
      const token = options.send ? await options.send.token(id) : randomSecret(32);
      payload.push({ id, t: await sha256Hex(token), e: row.email, h: JSON.stringify(row.hidden), f: row.validFrom?.getTime() ?? null, u: row.validUntil?.getTime() ?? null });
      invitations.push({ ...row, id, url: options.send ? null : `${options.origin}/s/${survey.slug}?t=${token}` });
    }
    const d1 = db.$client;
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < payload.length; i += INSERT_ROWS_PER_STATEMENT) {
      statements.push(
        d1
          .prepare(
            `INSERT INTO survey_invitations (id, organization_id, survey_id, token_hash, email, hidden, valid_from, valid_until, uses_left, reminder_count, created_at)
             SELECT json_extract(value, '$.id'), ?2, ?3, json_extract(value, '$.t'), json_extract(value, '$.e'), json_extract(value, '$.h'),
                    json_extract(value, '$.f'), json_extract(value, '$.u'), 1, 0, ?4
             FROM json_each(?1)`,
          )
          .bind(JSON.stringify(payload.slice(i, i + INSERT_ROWS_PER_STATEMENT)), principal.organizationId, survey.id, now.getTime()),
      );
    }
    if (days && payload.length > 0) statements.push(fatigueGuardStatement(d1, principal.organizationId, payload.map((p) => p.e), days, now));
    // The e-mails go in the same batch as their invitations: both or neither.
    const emails = mail
      ? invitationEmailRows(mail, {
          organizationId: principal.organizationId,
          survey,
          origin: options.origin,
          now,
          invitees: invitations.map((inv) => ({ invitationId: inv.id, email: inv.email, language: inv.language ?? fallbackLanguage, validUntil: inv.validUntil, name: inv.hidden.name ?? null })),
        })
      : [];
    statements.push(...emailOutboxInsertStatements(d1, principal.organizationId, emails, now));
    statements.push(
      auditStatement(d1, principal, {
        action: "invitations.imported",
        targetType: "survey",
        targetId: survey.id,
        data: { accepted: payload.length, rejected: checked.rejected.length, suppressed: suppressed.length, partial: options.partial, emailed: Boolean(options.send) },
      }, now),
    );
    try {
      await d1.batch(statements);
    } catch (error) {
      // A concurrent import took some of these addresses: check the rows again (once).
      if (attempt === 0 && days && isFatigueGuardFailure(error)) continue;
      throw error;
    }
    return { accepted: payload.length, rejected: checked.rejected, invitations, suppressed, outboxIds: emails.map((row) => row.id), hiddenColumns: parsed.hiddenColumns };
  }
}

// ---------------------------------------------------------------------------------------------
// Status export
// ---------------------------------------------------------------------------------------------

/**
 * The invitation list as CSV rows, oldest first, 500 per page. There is no link column: only the
 * token's SHA-256 is stored, so a link can be shown once (when created or imported) and never
 * rebuilt — which is what keeps a database leak from handing out everyone's personal link.
 */
export async function* invitationExportRows(db: Db, organizationId: string, surveyId: string, hiddenIds: string[], now: Date) {
  yield ["invitation_id", "email", "status", "valid_from", "valid_until", "opened_at", "started_at", "completed_at", "reminded_at", "reminder_count", "created_at", ...hiddenIds];
  const iso = (d: Date | null) => d?.toISOString() ?? "";
  for (let offset = 0; ; offset += 500) {
    const rows = await db
      .select()
      .from(surveyInvitations)
      .where(and(eq(surveyInvitations.organizationId, organizationId), eq(surveyInvitations.surveyId, surveyId)))
      .orderBy(surveyInvitations.createdAt, surveyInvitations.id)
      .limit(500)
      .offset(offset);
    for (const row of rows) {
      const hidden = (row.hidden as Record<string, string> | null) ?? {};
      yield [
        row.id,
        row.email ?? "",
        invitationStatus(row, now),
        iso(row.validFrom),
        iso(row.validUntil),
        iso(row.openedAt),
        iso(row.startedAt),
        iso(row.completedAt),
        iso(row.remindedAt),
        row.reminderCount,
        iso(row.createdAt),
        ...hiddenIds.map((id) => hidden[id] ?? ""),
      ];
    }
    if (rows.length < 500) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Reminders
// ---------------------------------------------------------------------------------------------

export const REMINDER_INTERVAL_MS = 24 * 3_600_000;

export type ReminderOutcome = {
  queued: number;
  /** Outbox ids of the queued e-mails (hand them to the queue). */
  outboxIds: string[];
  /** With reissueLinks: the new personal links (the old ones no longer work). */
  links: { invitationId: string; email: string; url: string }[];
};


function reminderEmail(language: string, title: string, link: string | null, validUntil: Date | null): { subject: string; text: string } {
  if (language.startsWith("zh")) {
    return {
      subject: `提醒：${title}`,
      text: [
        "您好：",
        "",
        `我们之前邀请您参加「${title}」，目前还没有收到您的回答。只需几分钟，您的意见对我们很重要。`,
        "",
        link ? `请通过您的专属链接作答：${link}` : "请使用我们之前发给您的邀请中的专属链接作答。",
        ...(validUntil ? [`链接有效期至 ${validUntil.toISOString().slice(0, 10)}。`] : []),
        "",
        "谢谢！",
        ...unsubscribeFooter(language),
      ].join("\n"),
    };
  }
  return {
    subject: `Reminder: ${title}`,
    text: [
      "Hello,",
      "",
      `We recently invited you to "${title}" and have not heard from you yet. It only takes a few minutes, and your opinion matters to us.`,
      "",
      link ? `Please answer through your personal link: ${link}` : "Please use the personal link in the invitation we sent you.",
      ...(validUntil ? [`The link is valid until ${validUntil.toISOString().slice(0, 10)}.`] : []),
      "",
      "Thank you!",
      ...unsubscribeFooter(language),
    ].join("\n"),
  };
}

/**
 * Queues one reminder e-mail (outbox) per invitation that has an address, is not completed, not
 * expired, and was not reminded in the last 24 hours; updates reminded_at and reminder_count. The
 * 24-hour rule is re-checked inside the UPDATE, and each e-mail is inserted only if that UPDATE
 * (this batch's nonce) took its invitation — two reminder runs at once send one e-mail each.
 *
 * Without `reissueLinks` the e-mail points to the original invitation (the link cannot be rebuilt,
 * see invitationExportRows). With it, each reminded invitation gets a new token, the e-mail carries
 * the new link, and the earlier link stops working; answers saved so far are kept (they belong to
 * the invitation, not the token). The new token is derived from the invitation and its reminder
 * count (`linkToken`), so the outbox stores only a placeholder and the sender renders the link.
 *
 * Addresses on the organisation's suppression list are never reminded; erased respondents have no
 * invitation left to remind. With `schedule` (the cron, src/jobs/scheduled-reminders.ts) the survey's
 * reminder schedule decides who is due instead of the 24-hour rule; the reminder number is in the
 * e-mail's dedupe key, so however often the cron runs, each reminder is sent at most once.
 */
export async function remindInvitations(
  db: Db,
  principal: Pick<Principal, "organizationId" | "id"> & { kind: string },
  survey: { id: string; slug: string },
  content: { title: string; language: string },
  options: {
    now: Date;
    origin: string;
    reissueLinks: boolean;
    invitationIds?: string[];
    /** The derived token of an invitation's link generation (src/lib/email-config.ts invitationLinkToken). */
    linkToken: (invitationId: string, generation: number) => Promise<string>;
    /** The survey's automatic schedule (cron): only invitations it says are due, at most its number of reminders. */
    schedule?: ReminderSchedule;
  },
): Promise<ReminderOutcome> {
  const { now } = options;
  const due = options.schedule ? reminderCutoffs(options.schedule, now) : null;
  const cutoff = due ? due.remindedBefore.getTime() : now.getTime() - REMINDER_INTERVAL_MS;
  const maxReminders = due ? due.maxReminders : Number.MAX_SAFE_INTEGER;
  const candidates = await db
    .select({ id: surveyInvitations.id, email: surveyInvitations.email, validUntil: surveyInvitations.validUntil, count: surveyInvitations.reminderCount })
    .from(surveyInvitations)
    .where(
      and(
        eq(surveyInvitations.organizationId, principal.organizationId),
        eq(surveyInvitations.surveyId, survey.id),
        sql`${surveyInvitations.email} IS NOT NULL AND ${surveyInvitations.completedAt} IS NULL AND ${surveyInvitations.usesLeft} > 0`,
        sql`(${surveyInvitations.validUntil} IS NULL OR ${surveyInvitations.validUntil} > ${now.getTime()})`,
        sql`(${surveyInvitations.remindedAt} IS NULL OR ${surveyInvitations.remindedAt} <= ${cutoff})`,
        due ? sql`${surveyInvitations.reminderCount} < ${due.maxReminders} AND ${surveyInvitations.createdAt} <= ${due.invitedBefore.getTime()}` : undefined,
        sql`lower(${surveyInvitations.email}) NOT IN (SELECT email FROM email_suppressions WHERE organization_id = ${principal.organizationId})`,
        options.invitationIds ? sql`${surveyInvitations.id} IN (SELECT value FROM json_each(${JSON.stringify(options.invitationIds)}))` : undefined,
      ),
    );
  const d1 = db.$client;
  const outcome: ReminderOutcome = { queued: 0, outboxIds: [], links: [] };
  for (let i = 0; i < candidates.length; i += 200) {
    const chunk = candidates.slice(i, i + 200);
    const nonce = randomSecret(16);
    const updates: { id: string; h: string | null }[] = [];
    const emails: Record<string, unknown>[] = [];
    const links = new Map<string, string>();
    for (const invitation of chunk) {
      let hash: string | null = null;
      const generation = invitation.count + 1;
      const linkBase = `${options.origin}/s/${survey.slug}`;
      if (options.reissueLinks) {
        const token = await options.linkToken(invitation.id, generation);
        hash = await sha256Hex(token);
        links.set(invitation.id, `${linkBase}?t=${token}`);
      }
      updates.push({ id: invitation.id, h: hash });
      const message = reminderEmail(content.language, content.title, options.reissueLinks ? LINK_PLACEHOLDERS.surveyLink : null, invitation.validUntil);
      const payload: EmailPayload = {
        to: invitation.email!,
        subject: message.subject,
        text: message.text,
        language: content.language,
        survey: true,
        ...(options.reissueLinks ? { invitation: { id: invitation.id, generation, url: linkBase } } : {}),
      };
      emails.push({
        inv: invitation.id,
        id: newId("obx"),
        to: invitation.email,
        subject: message.subject,
        payload: JSON.stringify(payload),
        dedupe: `invitation.reminder:${invitation.id}:${invitation.count + 1}`,
      });
    }
    const results = await d1.batch([
      d1
        .prepare(
          `UPDATE survey_invitations SET reminded_at = ?3, reminder_count = reminder_count + 1, write_nonce = ?2,
             token_hash = coalesce((SELECT json_extract(value, '$.h') FROM json_each(?1) WHERE json_extract(value, '$.id') = survey_invitations.id), token_hash)
           WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1)) AND organization_id = ?5
             AND completed_at IS NULL AND uses_left > 0 AND (valid_until IS NULL OR valid_until > ?3) AND (reminded_at IS NULL OR reminded_at <= ?4)
             AND reminder_count < ?6`,
        )
        .bind(JSON.stringify(updates), nonce, now.getTime(), cutoff, principal.organizationId, maxReminders),
      d1
        .prepare(
          `INSERT INTO outbox (id, organization_id, kind, event_type, recipient, subject, payload, status, attempts, next_attempt_at, dedupe_key, created_at)
           SELECT json_extract(value, '$.id'), ?3, 'email', 'invitation.reminder', json_extract(value, '$.to'), json_extract(value, '$.subject'),
                  json_extract(value, '$.payload'), 'pending', 0, ?4, json_extract(value, '$.dedupe'), ?4
           FROM json_each(?1)
           WHERE EXISTS (SELECT 1 FROM survey_invitations WHERE id = json_extract(value, '$.inv') AND write_nonce = ?2)
           ON CONFLICT DO NOTHING
           RETURNING id, recipient`,
        )
        .bind(JSON.stringify(emails), nonce, principal.organizationId, now.getTime()),
      auditStatement(d1, principal, { action: "invitations.reminded", targetType: "survey", targetId: survey.id, data: { candidates: chunk.length, reissueLinks: options.reissueLinks, scheduled: Boolean(due) } }, now),
    ]);
    const inserted = (results[1]?.results ?? []) as { id: string }[];
    outcome.queued += inserted.length;
    outcome.outboxIds.push(...inserted.map((r) => r.id));
    if (options.reissueLinks) {
      const taken = await d1
        .prepare(`SELECT id, email FROM survey_invitations WHERE id IN (SELECT value FROM json_each(?1)) AND write_nonce = ?2`)
        .bind(JSON.stringify(chunk.map((c) => c.id)), nonce)
        .all<{ id: string; email: string }>();
      for (const row of taken.results) outcome.links.push({ invitationId: row.id, email: row.email, url: links.get(row.id)! });
    }
  }
  return outcome;
}

/** Published surveys with an automatic reminder schedule, still open at `now` (the cron's reminder run). */
export async function surveysWithReminderSchedule(db: Db, now: Date) {
  const rows = await db
    .select({
      id: surveys.id,
      organizationId: surveys.organizationId,
      slug: surveys.slug,
      publishedVersion: surveys.publishedVersion,
      reminderSchedule: surveys.reminderSchedule,
    })
    .from(surveys)
    .where(
      and(
        eq(surveys.status, "published"),
        isNotNull(surveys.reminderSchedule),
        isNotNull(surveys.publishedVersion),
        sql`(${surveys.closesAt} IS NULL OR ${surveys.closesAt} > ${now.getTime()})`,
      ),
    );
  return rows.flatMap((row) => (row.reminderSchedule && row.publishedVersion !== null ? [{ ...row, reminderSchedule: row.reminderSchedule, publishedVersion: row.publishedVersion }] : []));
}
