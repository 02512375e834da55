/**
 * Survey transfer and settings: export a survey as importable JSON, import it (into this or
 * another organisation), duplicate it, and change its settings (dates, quota, access, privacy,
 * retention, complaint trigger rules).
 *
 * Export format `feedloop.survey/1`:
 *   { format, slug, title, settings: { accessMode, opensAt, closesAt, responseQuota, anonymous,
 *     storeIp, retentionDays, complaintTriggers }, definition, exportedAt, source }
 * `definition` is the survey definition format (docs/survey-format.md); `source` and `exportedAt`
 * are informational and ignored on import. Import always creates a draft.
 */
import { and, eq, like } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { surveys } from "../schema";
import { ComplaintTriggerRuleListSchema, type ComplaintTriggerRule } from "../../domain/complaints";
import { listAnswerSlots, type SurveyDefinition } from "../../domain/survey/definition";
import { ReminderScheduleSchema, type ReminderSchedule } from "../../domain/email/reminder-schedule";
import { fieldErrorsFromZod, ProblemError, validationProblem, type FieldError } from "../../lib/problem";
import { auditInsert } from "./audit";
import { createSurvey, getSurvey, loadVersionDefinition, parseDefinition, type SurveyRow } from "./surveys";

export const SURVEY_EXPORT_FORMAT = "feedloop.survey/1" as const;

export type SurveySettings = {
  accessMode: SurveyRow["accessMode"];
  opensAt: string | null;
  closesAt: string | null;
  responseQuota: number | null;
  anonymous: boolean;
  storeIp: boolean;
  retentionDays: number | null;
  complaintTriggers: ComplaintTriggerRule[] | null;
  /** Automatic e-mail reminders (src/domain/email/reminder-schedule.ts), run by the cron; null = none. */
  reminderSchedule: ReminderSchedule | null;
};

export type SurveySettingsPatch = Partial<Omit<SurveySettings, "complaintTriggers" | "reminderSchedule">> & {
  complaintTriggers?: unknown[] | null;
  reminderSchedule?: unknown;
};

export function settingsOf(row: SurveyRow): SurveySettings {
  return {
    accessMode: row.accessMode,
    opensAt: row.opensAt?.toISOString() ?? null,
    closesAt: row.closesAt?.toISOString() ?? null,
    responseQuota: row.responseQuota,
    anonymous: row.anonymous,
    storeIp: row.storeIp,
    retentionDays: row.retentionDays,
    complaintTriggers: (row.complaintTriggers as ComplaintTriggerRule[] | null) ?? null,
    reminderSchedule: row.reminderSchedule ?? null,
  };
}

export async function exportSurvey(db: Db, organizationId: string, id: string, version?: number) {
  const row = await getSurvey(db, organizationId, id);
  const definition = version !== undefined ? await loadVersionDefinition(db, id, version) : parseDefinition(row.draftDefinition);
  return {
    format: SURVEY_EXPORT_FORMAT,
    slug: row.slug,
    title: row.title,
    settings: settingsOf(row),
    definition: definition as unknown as Record<string, unknown>,
    exportedAt: new Date().toISOString(),
    source: { surveyId: row.id, version: version ?? null, draft: version === undefined },
  };
}

/** Item and hidden-field ids a trigger rule may refer to: every answer slot and hidden field. */
function triggerReferenceErrors(rules: ComplaintTriggerRule[], definition: SurveyDefinition): FieldError[] {
  const items = new Set(listAnswerSlots(definition).map((s) => s.id));
  const hidden = new Set(definition.hiddenFields.map((h) => h.id));
  const errors: FieldError[] = [];
  rules.forEach((rule, index) => {
    const when = rule.when;
    if ("itemId" in when && !items.has(when.itemId)) {
      errors.push({ field: `complaintTriggers.${index}.when.itemId`, code: "unknown_item", message: `"${when.itemId}" is not an item of this survey` });
    }
    // Conditions name their field as answers.<item> or hidden.<field>, at any depth.
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) node.forEach((child, i) => walk(child, `${path}.${i}`));
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if (key === "field" && typeof value === "string") {
            const [scope, name] = [value.slice(0, value.indexOf(".")), value.slice(value.indexOf(".") + 1)];
            if ((scope === "answers" && !items.has(name)) || (scope === "hidden" && !hidden.has(name))) {
              errors.push({ field: `${path}.field`, code: "unknown_field", message: `"${value}" does not exist in this survey` });
            }
          } else walk(value, `${path}.${key}`);
        }
      }
    };
    walk(when, `complaintTriggers.${index}.when`);
  });
  return errors;
}

/** Validates a settings patch against the survey's definition and current settings. */
export function validateSettings(patch: SurveySettingsPatch, current: SurveySettings, definition: SurveyDefinition): { next: SurveySettings; changed: string[] } {
  const errors: FieldError[] = [];
  let triggers = current.complaintTriggers;
  if (patch.complaintTriggers !== undefined) {
    if (patch.complaintTriggers === null) triggers = null;
    else {
      const parsed = ComplaintTriggerRuleListSchema.safeParse(patch.complaintTriggers);
      if (!parsed.success) errors.push(...fieldErrorsFromZod(parsed.error, "complaintTriggers"));
      else {
        triggers = parsed.data;
        errors.push(...triggerReferenceErrors(parsed.data, definition));
      }
    }
  }
  let reminderSchedule = current.reminderSchedule;
  if (patch.reminderSchedule !== undefined) {
    if (patch.reminderSchedule === null) reminderSchedule = null;
    else {
      const parsed = ReminderScheduleSchema.safeParse(patch.reminderSchedule);
      if (!parsed.success) errors.push(...fieldErrorsFromZod(parsed.error, "reminderSchedule"));
      else reminderSchedule = parsed.data;
    }
  }
  const next: SurveySettings = {
    accessMode: patch.accessMode ?? current.accessMode,
    opensAt: patch.opensAt !== undefined ? (patch.opensAt ? new Date(patch.opensAt).toISOString() : null) : current.opensAt,
    closesAt: patch.closesAt !== undefined ? (patch.closesAt ? new Date(patch.closesAt).toISOString() : null) : current.closesAt,
    responseQuota: patch.responseQuota !== undefined ? patch.responseQuota : current.responseQuota,
    anonymous: patch.anonymous ?? current.anonymous,
    storeIp: patch.storeIp ?? current.storeIp,
    retentionDays: patch.retentionDays !== undefined ? patch.retentionDays : current.retentionDays,
    complaintTriggers: triggers,
    reminderSchedule,
  };
  if (next.opensAt && next.closesAt && next.opensAt >= next.closesAt) {
    errors.push({ field: "closesAt", code: "invalid_range", message: "must be after opensAt" });
  }
  if (next.anonymous && next.storeIp) {
    errors.push({ field: "storeIp", code: "conflicts_with_anonymous", message: "an anonymous survey cannot store IP addresses" });
  }
  if (errors.length > 0) throw validationProblem(errors);
  const changed: string[] = (Object.keys(next) as (keyof SurveySettings)[]).filter((key) => JSON.stringify(next[key]) !== JSON.stringify(current[key]));
  return { next, changed };
}

export async function updateSurveySettings(db: Db, principal: Principal, id: string, patch: SurveySettingsPatch): Promise<SurveyRow> {
  const row = await getSurvey(db, principal.organizationId, id);
  const definition = parseDefinition(row.draftDefinition);
  const { next, changed } = validateSettings(patch, settingsOf(row), definition);
  if (changed.length === 0) return row;
  await db.batch([
    db
      .update(surveys)
      .set({
        accessMode: next.accessMode,
        opensAt: next.opensAt ? new Date(next.opensAt) : null,
        closesAt: next.closesAt ? new Date(next.closesAt) : null,
        responseQuota: next.responseQuota,
        anonymous: next.anonymous,
        storeIp: next.storeIp,
        retentionDays: next.retentionDays,
        complaintTriggers: next.complaintTriggers,
        reminderSchedule: next.reminderSchedule,
        updatedAt: new Date(),
      })
      .where(and(eq(surveys.id, id), eq(surveys.organizationId, principal.organizationId))),
    auditInsert(db, principal, {
      action: "survey.settings_updated",
      targetType: "survey",
      targetId: id,
      data: Object.fromEntries(changed.map((key) => [key, key === "complaintTriggers" ? (next.complaintTriggers?.length ?? null) : next[key as keyof SurveySettings]])),
    }),
  ]);
  return getSurvey(db, principal.organizationId, id);
}

/** The first of `base`, `base-2`, `base-3`, … that no survey uses (slugs are global: links have no tenant). */
export async function freeSlug(db: Db, base: string): Promise<string> {
  const stem = base.slice(0, 56).replace(/-+$/, "");
  const taken = new Set((await db.select({ slug: surveys.slug }).from(surveys).where(like(surveys.slug, `${stem}%`))).map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

async function slugConflict(db: Db, slug: string): Promise<ProblemError> {
  const suggestion = await freeSlug(db, slug);
  return new ProblemError("conflict", `The link slug "${slug}" is already taken. Import again with ?slug=${suggestion} (or another free slug).`, {
    errors: [{ field: "slug", code: "taken", message: "already in use" }],
    extensions: { suggestedSlug: suggestion },
  });
}

export type SurveyImport = { slug: string; settings: SurveySettingsPatch; definition: unknown };

export async function importSurvey(db: Db, principal: Principal, input: SurveyImport, slugOverride?: string): Promise<SurveyRow> {
  const slug = slugOverride ?? input.slug;
  const definition = parseDefinition(input.definition);
  const empty: SurveySettings = { accessMode: "public", opensAt: null, closesAt: null, responseQuota: null, anonymous: false, storeIp: false, retentionDays: null, complaintTriggers: null, reminderSchedule: null };
  const { next } = validateSettings(input.settings, empty, definition);
  if (await db.query.surveys.findFirst({ where: eq(surveys.slug, slug), columns: { id: true } })) throw await slugConflict(db, slug);
  const row = await createSurvey(db, principal, {
    slug,
    definition,
    accessMode: next.accessMode,
    opensAt: next.opensAt ? new Date(next.opensAt) : null,
    closesAt: next.closesAt ? new Date(next.closesAt) : null,
    responseQuota: next.responseQuota,
    anonymous: next.anonymous,
    storeIp: next.storeIp,
    retentionDays: next.retentionDays,
    complaintTriggers: next.complaintTriggers,
    reminderSchedule: next.reminderSchedule,
  });
  await auditInsert(db, principal, { action: "survey.imported", targetType: "survey", targetId: row.id, data: { slug, format: SURVEY_EXPORT_FORMAT } }).run();
  return row;
}

/** A new draft with the same draft definition and settings (responses and invitations are not copied). */
export async function duplicateSurvey(db: Db, principal: Principal, id: string, slug?: string): Promise<SurveyRow> {
  const source = await getSurvey(db, principal.organizationId, id);
  const target = slug ?? (await freeSlug(db, `${source.slug.slice(0, 57)}-copy`));
  if (await db.query.surveys.findFirst({ where: eq(surveys.slug, target), columns: { id: true } })) throw await slugConflict(db, target);
  const row = await createSurvey(db, principal, {
    slug: target,
    definition: parseDefinition(source.draftDefinition),
    accessMode: source.accessMode,
    opensAt: source.opensAt,
    closesAt: source.closesAt,
    responseQuota: source.responseQuota,
    anonymous: source.anonymous,
    storeIp: source.storeIp,
    retentionDays: source.retentionDays,
    complaintTriggers: source.complaintTriggers,
    reminderSchedule: source.reminderSchedule,
  });
  await auditInsert(db, principal, { action: "survey.duplicated", targetType: "survey", targetId: row.id, data: { from: id, slug: target } }).run();
  return row;
}

