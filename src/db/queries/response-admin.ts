/**
 * Staff work on stored responses: tags, internal notes, the views → starts → completions funnel,
 * and the two privacy operations every erasure path (respondent requests, retention) goes through:
 * deleting and anonymising responses.
 *
 * Statistics stay equal to a recomputation from the stored responses. A completed response was
 * added to its day × segment buckets through the statistics log (survey_stats_pending, folded by
 * src/db/queries/stats-compaction.ts). Deleting it appends the same values once more with weight −1
 * (`{"w":-1,"v":[…]}`, response_id `<id>:del`) in the SAME batch as the delete: compaction folds it
 * like any logged row, readers add it while it is pending, and because the buckets are sums of
 * integers, +1 and −1 cancel exactly whatever the order. The unique response_id makes the
 * subtraction happen at most once, and it is gated on this batch having claimed the row
 * (write_nonce, with the updated_at read) — a response that changed since it was read (e.g. a
 * partial completed meanwhile) is re-read and retried, never subtracted with stale values.
 *
 * Writes are set-based over a JSON parameter (`json_each`), so a chunk of 100 responses costs five
 * statements and three bound parameters each, whatever D1's 100-parameter limit.
 */
import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { responseNotes, responses, surveyDailyViews } from "../schema";
import { listAnswerSlots, type SurveyDefinition } from "../../domain/survey/definition";
import type { Answers } from "../../domain/survey/answers";
import { localize } from "../../domain/survey/localization";
import { newId, randomSecret } from "../../lib/ids";
import { notFound } from "../../lib/problem";
import { statsLogValues } from "../stats-vector";
import { nextStatsLogIdSql, statsBucketOf } from "./responses";
import { loadVersionDefinition } from "./surveys";
import { auditInsert } from "./audit";
import { deleteResponseTextsStatement } from "./text-scores";

export type ResponseRow = typeof responses.$inferSelect;

/** Responses per erase batch. */
const ERASE_CHUNK = 100;
/** A response that keeps changing under us is retried this often, then reported as skipped. */
const ERASE_ATTEMPTS = 3;

/**
 * The audit row as a raw D1 statement, for batches of raw statements (auditInsert is the drizzle
 * form). `actor.kind` may be "system" for jobs such as the retention purge.
 */
export function auditStatement(
  d1: D1Database,
  actor: { kind: string; id: string | null; organizationId: string },
  entry: { action: string; targetType: string; targetId?: string | null; data?: unknown },
  at = new Date(),
  /** Optional SQL condition (no parameters), e.g. `changes() > 0` right after the statement it records. */
  when = "1 = 1",
): D1PreparedStatement {
  return d1
    .prepare(`INSERT INTO audit_log (id, organization_id, actor_kind, actor_id, action, target_type, target_id, data, at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE ${when}`)
    .bind(newId("aud"), actor.organizationId, actor.kind, actor.id, entry.action, entry.targetType, entry.targetId ?? null, entry.data === undefined ? null : JSON.stringify(entry.data), at.getTime());
}

// ---------------------------------------------------------------------------------------------
// Tags and notes
// ---------------------------------------------------------------------------------------------

async function findResponse(db: Db, organizationId: string, surveyId: string, responseId: string): Promise<ResponseRow> {
  const row = await db.query.responses.findFirst({
    where: and(eq(responses.id, responseId), eq(responses.organizationId, organizationId), eq(responses.surveyId, surveyId)),
  });
  if (!row) throw notFound(`Response ${responseId}`);
  return row;
}

/** Trimmed, de-duplicated (case-insensitively), in the order given. */
export function normaliseTags(tags: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.replace(/[\u0000-\u001F\u007F]/g, "").trim().replace(/\s+/g, " ");
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

export async function setResponseTags(db: Db, principal: Principal, surveyId: string, responseId: string, tags: string[]): Promise<string[]> {
  await findResponse(db, principal.organizationId, surveyId, responseId);
  const normalised = normaliseTags(tags);
  await db.batch([
    db
      .update(responses)
      .set({ tags: normalised })
      .where(and(eq(responses.id, responseId), eq(responses.organizationId, principal.organizationId))),
    auditInsert(db, principal, { action: "response.tags_updated", targetType: "response", targetId: responseId, data: { surveyId, tags: normalised } }),
  ]);
  return normalised;
}

export type NoteView = { id: string; responseId: string; authorId: string | null; authorName: string | null; body: string; createdAt: string };

function noteView(row: typeof responseNotes.$inferSelect): NoteView {
  return { id: row.id, responseId: row.responseId, authorId: row.authorId, authorName: row.authorName, body: row.body, createdAt: row.createdAt.toISOString() };
}

export async function addResponseNote(db: Db, principal: Principal, surveyId: string, responseId: string, body: string): Promise<NoteView> {
  await findResponse(db, principal.organizationId, surveyId, responseId);
  const row = {
    id: newId("note"),
    organizationId: principal.organizationId,
    responseId,
    authorId: principal.id,
    authorName: principal.name,
    body,
    createdAt: new Date(),
  };
  await db.batch([
    db.insert(responseNotes).values(row),
    // The note's text stays out of the audit log (it may name the customer).
    auditInsert(db, principal, { action: "response.note_added", targetType: "response", targetId: responseId, data: { surveyId, noteId: row.id } }),
  ]);
  return noteView(row);
}

export async function listResponseNotes(db: Db, organizationId: string, surveyId: string, responseId: string): Promise<NoteView[]> {
  await findResponse(db, organizationId, surveyId, responseId);
  const rows = await db
    .select()
    .from(responseNotes)
    .where(and(eq(responseNotes.organizationId, organizationId), eq(responseNotes.responseId, responseId)))
    .orderBy(asc(responseNotes.createdAt), asc(responseNotes.id));
  return rows.map(noteView);
}

// ---------------------------------------------------------------------------------------------
// Funnel
// ---------------------------------------------------------------------------------------------

export type Funnel = {
  from: string | null;
  to: string | null;
  views: number;
  starts: number;
  completions: number;
  partials: number;
  /**
   * starts / views; null without views, and null when more responses started than views were counted
   * (responses sent through the API or imported never load the survey page), where a rate would read above 100 %.
   */
  startRate: number | null;
  /** completions / starts (null without starts). */
  completionRate: number | null;
  /** Partial responses by the last page they saved (pages of the published version). */
  dropOff: { pageIndex: number; pageId: string | null; title: string | null; partials: number; share: number }[];
};

/**
 * Views (first-page views per day) → starts (responses created) → completions, for responses
 * created in [from, to] (UTC days, inclusive), and where the partial ones stopped.
 */
export async function surveyFunnel(
  db: Db,
  organizationId: string,
  survey: { id: string; publishedVersion: number | null },
  range: { from?: string; to?: string },
  language?: string,
): Promise<Funnel> {
  const fromMs = range.from ? Date.parse(`${range.from}T00:00:00Z`) : undefined;
  const toMs = range.to ? Date.parse(`${range.to}T00:00:00Z`) + 86_400_000 : undefined;
  const responseWhere = and(
    eq(responses.organizationId, organizationId),
    eq(responses.surveyId, survey.id),
    fromMs !== undefined ? gte(responses.createdAt, new Date(fromMs)) : undefined,
    toMs !== undefined ? lt(responses.createdAt, new Date(toMs)) : undefined,
  );
  const [viewRows, statusRows, pageRows] = await db.batch([
    db
      .select({ views: sql<number>`coalesce(sum(${surveyDailyViews.views}), 0)` })
      .from(surveyDailyViews)
      .where(
        and(
          eq(surveyDailyViews.organizationId, organizationId),
          eq(surveyDailyViews.surveyId, survey.id),
          range.from ? gte(surveyDailyViews.day, range.from) : undefined,
          range.to ? sql`${surveyDailyViews.day} <= ${range.to}` : undefined,
        ),
      ),
    db.select({ status: responses.status, n: sql<number>`count(*)` }).from(responses).where(responseWhere).groupBy(responses.status),
    db
      .select({ page: responses.currentPage, n: sql<number>`count(*)` })
      .from(responses)
      .where(and(responseWhere, eq(responses.status, "partial")))
      .groupBy(responses.currentPage)
      .orderBy(responses.currentPage),
  ]);
  const views = Number(viewRows[0]?.views ?? 0);
  const completions = Number(statusRows.find((r) => r.status === "completed")?.n ?? 0);
  const partials = Number(statusRows.find((r) => r.status === "partial")?.n ?? 0);
  const starts = completions + partials;
  const definition = survey.publishedVersion !== null ? await loadVersionDefinition(db, survey.id, survey.publishedVersion) : null;
  const lang = language ?? definition?.defaultLanguage;
  return {
    from: range.from ?? null,
    to: range.to ?? null,
    views,
    starts,
    completions,
    partials,
    startRate: views > 0 && starts <= views ? starts / views : null,
    completionRate: starts > 0 ? completions / starts : null,
    dropOff: pageRows.map((row) => {
      const page = definition?.pages[row.page];
      return {
        pageIndex: row.page,
        pageId: page?.id ?? null,
        title: page?.title && lang ? localize(page.title, lang, definition!.defaultLanguage) : null,
        partials: Number(row.n),
        share: partials > 0 ? Number(row.n) / partials : 0,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics log entries
// ---------------------------------------------------------------------------------------------


type LogEntry = { id: string; o: string; s: string; v: number; d: string; tp: string; rg: string; tr: string; k: string; row: string };

function logEntry(row: ResponseRow, definition: SurveyDefinition, values: (number | null)[], weight: 1 | -1, key: string): LogEntry {
  const bucket = statsBucketOf(definition, row.hidden, row.completedAt ?? row.createdAt);
  return {
    id: row.id,
    o: row.organizationId,
    s: row.surveyId,
    v: row.version,
    d: bucket.day,
    tp: bucket.touchpoint,
    rg: bucket.region,
    tr: bucket.tier,
    k: `${row.id}:${key}`,
    row: JSON.stringify(weight === 1 ? values : { w: -1, v: values }),
  };
}

/** Appends the entries, each only if its response was claimed by this batch (nonce) and is completed. */
function logStatement(d1: D1Database, entries: LogEntry[], nonce: string): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO survey_stats_pending (id, organization_id, survey_id, version, day, touchpoint, region, tier, response_id, row)
       SELECT ${nextStatsLogIdSql("json_extract(e.value, '$.s')", "e.key")}, json_extract(e.value, '$.o'), json_extract(e.value, '$.s'), json_extract(e.value, '$.v'), json_extract(e.value, '$.d'),
              json_extract(e.value, '$.tp'), json_extract(e.value, '$.rg'), json_extract(e.value, '$.tr'), json_extract(e.value, '$.k'),
              json_extract(e.value, '$.row')
       FROM json_each(?1) AS e
       WHERE EXISTS (SELECT 1 FROM responses r WHERE r.id = json_extract(e.value, '$.id') AND r.write_nonce = ?2 AND r.status = 'completed')
         AND NOT EXISTS (SELECT 1 FROM survey_stats_pending p WHERE p.survey_id = json_extract(e.value, '$.s') AND p.response_id = json_extract(e.value, '$.k'))`,
    )
    .bind(JSON.stringify(entries), nonce);
}

const definitionsCache = (db: Db) => {
  const cache = new Map<string, Promise<SurveyDefinition>>();
  return (surveyId: string, version: number) => {
    const key = `${surveyId}@${version}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = loadVersionDefinition(db, surveyId, version);
      cache.set(key, hit);
    }
    return hit;
  };
};

// ---------------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------------

export type EraseResult = { responses: number; completed: number; notes: number; skipped: string[] };

/** The responses still present among `ids` (fresh rows, for a retry). */
async function reload(db: Db, organizationId: string, ids: string[]): Promise<ResponseRow[]> {
  if (ids.length === 0) return [];
  const out: ResponseRow[] = [];
  for (let i = 0; i < ids.length; i += 90) {
    out.push(...(await db.select().from(responses).where(and(eq(responses.organizationId, organizationId), inArray(responses.id, ids.slice(i, i + 90))))));
  }
  return out;
}

/**
 * Rewrites the organisation's rows chunk by chunk, each chunk in one batch under a fresh write
 * nonce that claims only rows unchanged since they were read. `writeChunk` returns the ids to retry
 * (changed meanwhile); they are re-read and retried up to ERASE_ATTEMPTS times, then reported as
 * skipped. `extra` statements (e.g. the audit row) ride in the first chunk's batch.
 */
async function rewriteInClaimedChunks(
  db: Db,
  organizationId: string,
  rows: ResponseRow[],
  extra: D1PreparedStatement[],
  writeChunk: (chunk: ResponseRow[], nonce: string, extra: D1PreparedStatement[], result: EraseResult) => Promise<string[]>,
): Promise<EraseResult> {
  const result: EraseResult = { responses: 0, completed: 0, notes: 0, skipped: [] };
  let pendingExtra = extra;
  let todo = rows.filter((r) => r.organizationId === organizationId);
  for (let attempt = 0; attempt < ERASE_ATTEMPTS && todo.length > 0; attempt++) {
    const retry: string[] = [];
    for (let i = 0; i < todo.length; i += ERASE_CHUNK) {
      retry.push(...(await writeChunk(todo.slice(i, i + ERASE_CHUNK), randomSecret(16), pendingExtra, result)));
      pendingExtra = [];
    }
    todo = await reload(db, organizationId, retry);
  }
  result.skipped = todo.map((r) => r.id);
  if (pendingExtra.length > 0) await db.$client.batch(pendingExtra);
  return result;
}

/**
 * Deletes responses (and their notes) of one organisation, subtracting completed ones from the
 * statistics and from their survey's completed count, atomically per chunk. Extra statements
 * (e.g. the audit row) run in the first chunk's batch.
 */
export async function deleteResponses(db: Db, organizationId: string, rows: ResponseRow[], extra: D1PreparedStatement[] = []): Promise<EraseResult> {
  const d1 = db.$client;
  const definitionOf = definitionsCache(db);
  return rewriteInClaimedChunks(db, organizationId, rows, extra, async (chunk, nonce, pendingExtra, result) => {
      const claims = JSON.stringify(chunk.map((r) => ({ id: r.id, u: r.updatedAt.getTime() })));
      const ids = JSON.stringify(chunk.map((r) => r.id));
      const entries: LogEntry[] = [];
      for (const row of chunk) {
        if (row.status !== "completed") continue;
        const definition = await definitionOf(row.surveyId, row.version);
        entries.push(logEntry(row, definition, statsLogValues(definition, row.answers as Answers, row.hidden), -1, "del"));
      }
      const surveyIds = JSON.stringify([...new Set(chunk.map((r) => r.surveyId))]);
      const mine = `SELECT value FROM json_each(?1)`;
      const statements: D1PreparedStatement[] = [
        // 1. Claim the rows that have not changed since they were read.
        d1
          .prepare(
            `UPDATE responses SET write_nonce = ?2
             WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1)) AND organization_id = ?3
               AND updated_at = (SELECT json_extract(value, '$.u') FROM json_each(?1) WHERE json_extract(value, '$.id') = responses.id)`,
          )
          .bind(claims, nonce, organizationId),
        // 2. Take completed ones out of the statistics (weight −1 log rows).
        logStatement(d1, entries, nonce),
        // 3. …and out of the completed count (the quota gate and survey list read it).
        d1
          .prepare(
            `UPDATE surveys SET completed_count = max(0, completed_count - (
               SELECT count(*) FROM responses r WHERE r.survey_id = surveys.id AND r.id IN (${mine}) AND r.write_nonce = ?2 AND r.status = 'completed'))
             WHERE organization_id = ?3 AND id IN (SELECT value FROM json_each(?4))`,
          )
          .bind(ids, nonce, organizationId, surveyIds),
        // 4. Notes, then the responses themselves.
        d1
          .prepare(
            `DELETE FROM response_notes WHERE organization_id = ?3
               AND response_id IN (SELECT r.id FROM responses r WHERE r.id IN (${mine}) AND r.write_nonce = ?2)`,
          )
          .bind(ids, nonce, organizationId),
        d1.prepare(`DELETE FROM responses WHERE id IN (${mine}) AND write_nonce = ?2 AND organization_id = ?3`).bind(ids, nonce, organizationId),
        ...pendingExtra,
        // The open answers' stored copies and scores (a row not claimed now is retried and erased anyway).
        deleteResponseTextsStatement(d1, organizationId, ids),
      ];
      const results = await d1.batch(statements);
      result.responses += results[4]?.meta.changes ?? 0;
      result.notes += results[3]?.meta.changes ?? 0;
      // One −1 log row per completed response this batch deleted.
      result.completed += results[1]?.meta.changes ?? 0;
      // Changed since read (or deleted by someone else): whatever is still there is re-read and retried.
      if ((results[0]?.meta.changes ?? 0) < chunk.length) return (await reload(db, organizationId, chunk.map((r) => r.id))).map((r) => r.id);
      return [];
  });
}

// ---------------------------------------------------------------------------------------------
// Anonymise
// ---------------------------------------------------------------------------------------------

/**
 * A response without what identifies the respondent: free-text answers are removed (customers
 * write names, phone numbers and order numbers into them), hidden fields are kept only when they
 * are segments (touchpoint, region, tier, custom segments: the statistics' buckets). Ratings and
 * choices stay, so the statistics keep the response.
 */
export function anonymisedContent(definition: SurveyDefinition, row: Pick<ResponseRow, "answers" | "hidden">): { answers: Answers; hidden: Record<string, string> } {
  const answers: Answers = {};
  const stored = row.answers as Answers;
  for (const slot of listAnswerSlots(definition)) {
    if (slot.kind === "text") continue;
    if (stored[slot.id] !== undefined) answers[slot.id] = stored[slot.id]!;
  }
  const hidden: Record<string, string> = {};
  for (const field of definition.hiddenFields) {
    if (field.segment && row.hidden[field.id] !== undefined) hidden[field.id] = row.hidden[field.id]!;
  }
  return { answers, hidden };
}

/**
 * Anonymises responses in place: e-mail, invitation link, IP, resume secret, free text and
 * non-segment hidden fields go; notes are deleted. The numbers stay in the statistics. Should a
 * display condition depend on a removed text answer, the numeric row itself changes; then the old
 * row is logged with weight −1 and the new one with +1, so statistics still equal a recomputation.
 */
export async function anonymiseResponses(db: Db, organizationId: string, rows: ResponseRow[], now: Date, extra: D1PreparedStatement[] = []): Promise<EraseResult> {
  const d1 = db.$client;
  const definitionOf = definitionsCache(db);
  return rewriteInClaimedChunks(db, organizationId, rows, extra, async (chunk, nonce, pendingExtra, result) => {
      const updates: { id: string; u: number; a: string; h: string }[] = [];
      const entries: LogEntry[] = [];
      for (const row of chunk) {
        const definition = await definitionOf(row.surveyId, row.version);
        const content = anonymisedContent(definition, row);
        updates.push({ id: row.id, u: row.updatedAt.getTime(), a: JSON.stringify(content.answers), h: JSON.stringify(content.hidden) });
        if (row.status === "completed") {
          const before = statsLogValues(definition, row.answers as Answers, row.hidden);
          const after = statsLogValues(definition, content.answers, content.hidden);
          if (JSON.stringify(before) !== JSON.stringify(after)) {
            entries.push(logEntry(row, definition, before, -1, "anon-"), logEntry({ ...row, hidden: content.hidden }, definition, after, 1, "anon+"));
          }
        }
      }
      const json = JSON.stringify(updates);
      const ids = JSON.stringify(chunk.map((r) => r.id));
      const field = (name: string) => `(SELECT json_extract(value, '$.${name}') FROM json_each(?1) WHERE json_extract(value, '$.id') = responses.id)`;
      const statements: D1PreparedStatement[] = [
        d1
          .prepare(
            `UPDATE responses SET answers = ${field("a")}, hidden = ${field("h")}, respondent_email = NULL, invitation_id = NULL, ip = NULL,
               resume_hash = NULL, anonymised = 1, updated_at = ?4, write_nonce = ?2
             WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1)) AND organization_id = ?3 AND updated_at = ${field("u")}`,
          )
          .bind(json, nonce, organizationId, now.getTime()),
        ...(entries.length > 0 ? [logStatement(d1, entries, nonce)] : []),
        d1
          .prepare(
            `DELETE FROM response_notes WHERE organization_id = ?3
               AND response_id IN (SELECT r.id FROM responses r WHERE r.id IN (SELECT value FROM json_each(?1)) AND r.write_nonce = ?2)`,
          )
          .bind(ids, nonce, organizationId),
        ...pendingExtra,
        // Free-text answers are removed from the response: so are their stored copies and scores.
        deleteResponseTextsStatement(d1, organizationId, ids),
      ];
      const results = await d1.batch(statements);
      result.notes += results[entries.length > 0 ? 2 : 1]?.meta.changes ?? 0;
      const claimedRows = await d1
        .prepare(`SELECT id FROM responses WHERE id IN (SELECT value FROM json_each(?1)) AND write_nonce = ?2`)
        .bind(ids, nonce)
        .all<{ id: string }>();
      const claimed = new Set(claimedRows.results.map((r) => r.id));
      result.responses += claimed.size;
      result.completed += chunk.filter((r) => claimed.has(r.id) && r.status === "completed").length;
      return chunk.filter((r) => !claimed.has(r.id)).map((r) => r.id);
  });
}

/** Newest first, for exports. */
export async function responsesByIds(db: Db, organizationId: string, ids: string[]): Promise<ResponseRow[]> {
  const rows = await reload(db, organizationId, ids);
  return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

