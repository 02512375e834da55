import { and, desc, eq, sql } from "drizzle-orm";
import type { ReminderSchedule } from "../../domain/email/reminder-schedule";
import type { Db, Principal } from "../../env";
import { surveyDailyViews, surveys, surveySlugs, surveyVersions } from "../schema";
import { shardOf } from "../shards";
import { SurveyDefinitionSchema, type SurveyDefinition } from "../../domain/survey/definition";
import { newId } from "../../lib/ids";
import { auditInsert } from "./audit";
import { ProblemError, fieldErrorsFromZod, notFound, validationProblem } from "../../lib/problem";

export type SurveyRow = typeof surveys.$inferSelect;

export type SurveySummary = {
  id: string;
  slug: string;
  title: string;
  status: SurveyRow["status"];
  accessMode: SurveyRow["accessMode"];
  publishedVersion: number | null;
  opensAt: string | null;
  closesAt: string | null;
  responseQuota: number | null;
  completedCount: number;
  anonymous: boolean;
  createdAt: string;
  updatedAt: string;
};

export function summariseSurvey(row: SurveyRow): SurveySummary {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    status: row.status,
    accessMode: row.accessMode,
    publishedVersion: row.publishedVersion,
    opensAt: row.opensAt?.toISOString() ?? null,
    closesAt: row.closesAt?.toISOString() ?? null,
    responseQuota: row.responseQuota,
    completedCount: row.completedCount,
    anonymous: row.anonymous,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Published versions never change, so their parsed definitions are cached for the isolate's life:
 * the submit path then parses a definition once, not on every response.
 */
const versionCache = new Map<string, SurveyDefinition>();

export function parseDefinition(value: unknown): SurveyDefinition {
  const parsed = SurveyDefinitionSchema.safeParse(value);
  if (!parsed.success) throw validationProblem(fieldErrorsFromZod(parsed.error, "definition"), "The survey definition is invalid.");
  return parsed.data;
}

export async function loadVersionDefinition(db: Db, surveyId: string, version: number): Promise<SurveyDefinition> {
  const cached = versionCache.get(`${surveyId}@${version}`);
  if (cached) return cached;
  const row = await db.query.surveyVersions.findFirst({
    where: and(eq(surveyVersions.surveyId, surveyId), eq(surveyVersions.version, version)),
    columns: { definition: true },
  });
  if (!row) throw notFound(`Version ${version} of survey ${surveyId}`);
  return versionDefinitionFrom(surveyId, version, row.definition);
}

/** A stored version's definition (read by the caller), parsed once per isolate. */
export function versionDefinitionFrom(surveyId: string, version: number, stored: unknown): SurveyDefinition {
  const key = `${surveyId}@${version}`;
  const cached = versionCache.get(key);
  if (cached) return cached;
  // Stored versions were validated when published; parse again to get defaults and types.
  const definition = SurveyDefinitionSchema.parse(stored);
  if (versionCache.size > 500) versionCache.clear();
  versionCache.set(key, definition);
  return definition;
}

export async function findSurveyBySlug(db: Db, slug: string): Promise<SurveyRow | undefined> {
  return db.query.surveys.findFirst({ where: eq(surveys.slug, slug) });
}

export async function listSurveys(db: Db, organizationId: string): Promise<SurveySummary[]> {
  const rows = await db.select().from(surveys).where(eq(surveys.organizationId, organizationId)).orderBy(desc(surveys.createdAt));
  return rows.map(summariseSurvey);
}

export async function getSurvey(db: Db, organizationId: string, id: string): Promise<SurveyRow> {
  const row = await db.query.surveys.findFirst({ where: and(eq(surveys.id, id), eq(surveys.organizationId, organizationId)) });
  if (!row) throw notFound(`Survey ${id}`);
  return row;
}

export type CreateSurveyInput = {
  slug: string;
  definition: SurveyDefinition;
  accessMode?: SurveyRow["accessMode"];
  opensAt?: Date | null;
  closesAt?: Date | null;
  responseQuota?: number | null;
  anonymous?: boolean;
  storeIp?: boolean;
  retentionDays?: number | null;
  complaintTriggers?: unknown;
  reminderSchedule?: ReminderSchedule | null;
};

function titleOf(definition: SurveyDefinition): string {
  return definition.title[definition.defaultLanguage] ?? Object.values(definition.title)[0] ?? "Untitled survey";
}

export async function createSurvey(db: Db, principal: Principal, input: CreateSurveyInput): Promise<SurveyRow> {
  // Slugs are global across shards: the control plane's survey_slugs holds every one, with its shard.
  const { shard, control } = shardOf(db);
  const registered = await control.select({ slug: surveySlugs.slug }).from(surveySlugs).where(eq(surveySlugs.slug, input.slug)).get();
  if (registered || (await findSurveyBySlug(db, input.slug))) {
    throw new ProblemError("conflict", `The link slug "${input.slug}" is already taken; choose another.`, {
      errors: [{ field: "slug", code: "taken", message: "already in use" }],
    });
  }
  const now = new Date();
  const row: typeof surveys.$inferInsert = {
    id: newId("srv"),
    organizationId: principal.organizationId,
    slug: input.slug,
    title: titleOf(input.definition),
    status: "draft",
    accessMode: input.accessMode ?? "public",
    draftDefinition: input.definition,
    opensAt: input.opensAt ?? null,
    closesAt: input.closesAt ?? null,
    responseQuota: input.responseQuota ?? null,
    anonymous: input.anonymous ?? false,
    storeIp: input.storeIp ?? false,
    retentionDays: input.retentionDays ?? null,
    complaintTriggers: input.complaintTriggers ?? null,
    reminderSchedule: input.reminderSchedule ?? null,
    createdAt: now,
    updatedAt: now,
  };
  const registration = control.insert(surveySlugs).values({ slug: input.slug, organizationId: principal.organizationId, shard });
  const writes = [
    db.insert(surveys).values(row),
    auditInsert(db, principal, { action: "survey.created", targetType: "survey", targetId: row.id, data: { slug: input.slug } }),
  ] as const;
  if (control === db) await db.batch([...writes, registration]);
  else {
    // Two databases, no shared transaction: the slug is claimed first, and released if the shard refuses the survey.
    await registration.run();
    await db.batch(writes).catch(async (error: unknown) => {
      await control.delete(surveySlugs).where(eq(surveySlugs.slug, input.slug)).run();
      throw error;
    });
  }
  return getSurvey(db, principal.organizationId, row.id!);
}

export async function updateSurveyDraft(db: Db, principal: Principal, id: string, definition: SurveyDefinition): Promise<SurveyRow> {
  await getSurvey(db, principal.organizationId, id);
  await db.batch([
    db
      .update(surveys)
      .set({ draftDefinition: definition, title: titleOf(definition), updatedAt: new Date() })
      .where(and(eq(surveys.id, id), eq(surveys.organizationId, principal.organizationId))),
    auditInsert(db, principal, { action: "survey.draft_updated", targetType: "survey", targetId: id }),
  ]);
  return getSurvey(db, principal.organizationId, id);
}

/** Freezes the draft as the next immutable version and opens the survey. */
export async function publishSurvey(db: Db, principal: Principal, id: string): Promise<SurveyRow> {
  const survey = await getSurvey(db, principal.organizationId, id);
  const definition = parseDefinition(survey.draftDefinition);
  const latest = await db.query.surveyVersions.findFirst({
    where: eq(surveyVersions.surveyId, id),
    orderBy: desc(surveyVersions.version),
    columns: { version: true },
  });
  const version = (latest?.version ?? 0) + 1;
  const now = new Date();
  await db.batch([
    db.insert(surveyVersions).values({
      id: newId("ver"),
      organizationId: principal.organizationId,
      surveyId: id,
      version,
      definition,
      publishedAt: now,
      publishedBy: principal.id,
    }),
    db
      .update(surveys)
      .set({ publishedVersion: version, status: "published", updatedAt: now })
      .where(and(eq(surveys.id, id), eq(surveys.organizationId, principal.organizationId))),
    auditInsert(db, principal, { action: "survey.published", targetType: "survey", targetId: id, data: { version } }),
  ]);
  return getSurvey(db, principal.organizationId, id);
}

export async function setSurveyStatus(db: Db, principal: Principal, id: string, status: "published" | "closed"): Promise<SurveyRow> {
  const survey = await getSurvey(db, principal.organizationId, id);
  if (status === "published" && survey.publishedVersion === null) {
    throw new ProblemError("conflict", "This survey has never been published; publish it first.");
  }
  await db.batch([
    db
      .update(surveys)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(surveys.id, id), eq(surveys.organizationId, principal.organizationId))),
    auditInsert(db, principal, { action: status === "closed" ? "survey.closed" : "survey.reopened", targetType: "survey", targetId: id }),
  ]);
  return getSurvey(db, principal.organizationId, id);
}

export async function listSurveyVersions(db: Db, organizationId: string, surveyId: string) {
  return db
    .select({ version: surveyVersions.version, publishedAt: surveyVersions.publishedAt })
    .from(surveyVersions)
    .where(and(eq(surveyVersions.organizationId, organizationId), eq(surveyVersions.surveyId, surveyId)))
    .orderBy(desc(surveyVersions.version));
}

/** Counts one view of a survey's first page for the day (the funnel's denominator). */
export async function recordSurveyView(db: Db, survey: Pick<SurveyRow, "id" | "organizationId">, now: Date): Promise<void> {
  await db
    .insert(surveyDailyViews)
    .values({ organizationId: survey.organizationId, surveyId: survey.id, day: now.toISOString().slice(0, 10), views: 1 })
    .onConflictDoUpdate({ target: [surveyDailyViews.surveyId, surveyDailyViews.day], set: { views: sql`${surveyDailyViews.views} + 1` } });
}
