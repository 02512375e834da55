import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { responses } from "../schema";
import { notFound } from "../../lib/problem";

export type ResponseFilters = {
  from?: Date;
  to?: Date;
  status?: "partial" | "completed";
  /** Hidden-field equality filters, e.g. { touchpoint: "store" }. Keys are validated identifiers. */
  hidden?: Record<string, string>;
  /** Numeric answer ranges (inclusive), e.g. { nps: { min: 0, max: 6 } }. Keys are validated identifiers. */
  scores?: Record<string, { min?: number; max?: number }>;
};

export type ResponseListItem = {
  id: string;
  submissionId: string;
  version: number;
  status: "partial" | "completed";
  language: string;
  hidden: Record<string, string>;
  answers: Record<string, unknown>;
  tags: string[];
  createdAt: string;
  completedAt: string | null;
};

function whereFor(organizationId: string, surveyId: string, filters: ResponseFilters): SQL {
  const clauses: (SQL | undefined)[] = [eq(responses.organizationId, organizationId), eq(responses.surveyId, surveyId)];
  if (filters.from) clauses.push(gte(responses.createdAt, filters.from));
  if (filters.to) clauses.push(lt(responses.createdAt, filters.to));
  if (filters.status) clauses.push(eq(responses.status, filters.status));
  for (const [key, value] of Object.entries(filters.hidden ?? {})) {
    // The key is bound as a JSON path parameter, never spliced into SQL text.
    clauses.push(sql`json_extract(${responses.hidden}, ${`$.${key}`}) = ${value}`);
  }
  for (const [key, range] of Object.entries(filters.scores ?? {})) {
    // Only numeric answers match a range (a text "9" must not compare as greater than every number).
    const path = `$.${key}`;
    clauses.push(sql`json_type(${responses.answers}, ${path}) IN ('integer', 'real')`);
    if (range.min !== undefined) clauses.push(sql`json_extract(${responses.answers}, ${path}) >= ${range.min}`);
    if (range.max !== undefined) clauses.push(sql`json_extract(${responses.answers}, ${path}) <= ${range.max}`);
  }
  return and(...clauses)!;
}

function toItem(row: typeof responses.$inferSelect): ResponseListItem {
  return {
    id: row.id,
    submissionId: row.submissionId,
    version: row.version,
    status: row.status,
    language: row.language,
    hidden: row.hidden,
    answers: row.answers,
    tags: row.tags ?? [],
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

export async function listResponses(
  db: Db,
  organizationId: string,
  surveyId: string,
  filters: ResponseFilters,
  page: { limit: number; offset: number },
): Promise<{ total: number; items: ResponseListItem[] }> {
  const where = whereFor(organizationId, surveyId, filters);
  const [rows, [{ total }]] = await db.batch([
    db.select().from(responses).where(where).orderBy(desc(responses.createdAt), desc(responses.id)).limit(page.limit).offset(page.offset),
    db.select({ total: sql<number>`count(*)` }).from(responses).where(where),
  ]);
  return { total, items: rows.map(toItem) };
}

export async function getResponse(db: Db, organizationId: string, surveyId: string, id: string): Promise<ResponseListItem> {
  const row = await db.query.responses.findFirst({
    where: and(eq(responses.id, id), eq(responses.organizationId, organizationId), eq(responses.surveyId, surveyId)),
  });
  if (!row) throw notFound(`Response ${id}`);
  return toItem(row);
}

/** Where a keyset page ends: the last row's (created_at, id); plain numbers so a Workflow step can return it. */
export type ResponseCursor = { createdAtMs: number; id: string };

/**
 * One page of matching responses after `after` (null: from the newest), in the list's order
 * (created_at desc, id desc). Keyset pagination: each page starts where the previous one ended, so
 * every page reads only its own rows (OFFSET re-read every earlier row, quadratic over a large
 * export) and no page needs the total count.
 */
export async function responsePageAfter(
  db: Db,
  organizationId: string,
  surveyId: string,
  filters: ResponseFilters,
  after: ResponseCursor | null,
  pageSize: number,
): Promise<{ items: ResponseListItem[]; next: ResponseCursor | null }> {
  const last = after ? new Date(after.createdAtMs) : null;
  // `created_at <= last` is the index range; the OR only breaks ties within one millisecond.
  const resume: SQL | undefined =
    after && last ? and(lte(responses.createdAt, last), or(lt(responses.createdAt, last), lt(responses.id, after.id))) : undefined;
  const rows: (typeof responses.$inferSelect)[] = await db
    .select()
    .from(responses)
    .where(and(whereFor(organizationId, surveyId, filters), resume))
    .orderBy(desc(responses.createdAt), desc(responses.id))
    .limit(pageSize);
  const end = rows[rows.length - 1];
  return { items: rows.map(toItem), next: rows.length === pageSize && end ? { createdAtMs: end.createdAt.getTime(), id: end.id } : null };
}

/** Matching responses (an export's progress maximum). */
export async function countResponses(db: Db, organizationId: string, surveyId: string, filters: ResponseFilters): Promise<number> {
  const [row] = await db.select({ total: sql<number>`count(*)` }).from(responses).where(whereFor(organizationId, surveyId, filters));
  return row?.total ?? 0;
}

/** Streams every matching response in pages, for exports that must not load everything at once. */
export async function* iterateResponses(db: Db, organizationId: string, surveyId: string, filters: ResponseFilters, pageSize = 500) {
  let after: ResponseCursor | null = null;
  do {
    const page: { items: ResponseListItem[]; next: ResponseCursor | null } = await responsePageAfter(db, organizationId, surveyId, filters, after, pageSize);
    if (page.items.length > 0) yield page.items;
    after = page.next;
  } while (after);
}
