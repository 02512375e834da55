/**
 * Priority, severity and category of a complaint.
 *
 * - Priority drives the SLA policy (how fast we must act). Order: low < normal < high < urgent,
 *   the Zendesk/Freshdesk ladder (peers §A6), so staff coming from those tools need no mapping.
 * - Severity describes the impact on the customer (ISO 10002 initial assessment: severity,
 *   safety, complexity, impact). Canonical form is the number 1–4 where a HIGHER number is MORE
 *   severe (1 = low … 4 = critical) so rules read naturally ("severity gte 3"). Note this is the
 *   opposite of ITIL's "Sev 1"; labels are accepted on input to avoid that confusion.
 * - Category is an extensible slug; the defaults below cover the seed's contact topics and each
 *   organisation may add its own.
 */
import { z } from "zod";

export const COMPLAINT_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export const ComplaintPrioritySchema = z.enum(COMPLAINT_PRIORITIES);
export type ComplaintPriority = z.infer<typeof ComplaintPrioritySchema>;

/** 0-based rank so priorities can be compared and raised one step at a time. */
export function complaintPriorityRank(priority: ComplaintPriority): number {
  return COMPLAINT_PRIORITIES.indexOf(priority);
}

/** Next priority up, or null when already urgent (escalation cannot raise further). */
export function raisedComplaintPriority(priority: ComplaintPriority): ComplaintPriority | null {
  const next = COMPLAINT_PRIORITIES[complaintPriorityRank(priority) + 1];
  return next ?? null;
}

export function maxComplaintPriority(priorities: readonly ComplaintPriority[]): ComplaintPriority | null {
  let best: ComplaintPriority | null = null;
  for (const priority of priorities) {
    if (best === null || complaintPriorityRank(priority) > complaintPriorityRank(best)) best = priority;
  }
  return best;
}

export const COMPLAINT_SEVERITY_LABELS = ["low", "medium", "high", "critical"] as const;
export type ComplaintSeverityLabel = (typeof COMPLAINT_SEVERITY_LABELS)[number];

/** Canonical stored severity: 1 (low) … 4 (critical). */
export const ComplaintSeveritySchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
export type ComplaintSeverity = z.infer<typeof ComplaintSeveritySchema>;

/**
 * Input form: either the number or the label; always yields the number. Use this for API bodies and
 * rule definitions, `ComplaintSeveritySchema` for stored records.
 */
export const ComplaintSeverityInputSchema = z
  .union([ComplaintSeveritySchema, z.enum(COMPLAINT_SEVERITY_LABELS)])
  .transform((value): ComplaintSeverity => (typeof value === "number" ? value : complaintSeverityFromLabel(value)));
export type ComplaintSeverityInput = z.input<typeof ComplaintSeverityInputSchema>;

export function complaintSeverityFromLabel(label: ComplaintSeverityLabel): ComplaintSeverity {
  return (COMPLAINT_SEVERITY_LABELS.indexOf(label) + 1) as ComplaintSeverity;
}

export function complaintSeverityLabel(severity: ComplaintSeverity): ComplaintSeverityLabel {
  return COMPLAINT_SEVERITY_LABELS[severity - 1];
}

/**
 * Category slugs are lowercase identifiers so they are stable keys for analytics and routing
 * rules; display names (and translations) live with the organisation's configuration.
 */
export const ComplaintCategorySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, { message: "must be a lowercase slug such as billing or late_delivery" });
export type ComplaintCategory = z.infer<typeof ComplaintCategorySchema>;

export const DEFAULT_COMPLAINT_CATEGORIES = [
  "product_quality",
  "service_attitude",
  "delivery",
  "billing",
  "technical",
  "other",
] as const satisfies readonly ComplaintCategory[];

/** An organisation's category list: defaults plus its own, without duplicates. */
export const ComplaintCategoryListSchema = z
  .array(ComplaintCategorySchema)
  .min(1)
  .refine((list) => new Set(list).size === list.length, { message: "categories must be unique" })
  .refine((list) => list.includes("other"), { message: 'the list must keep "other" as the catch-all category' });
export type ComplaintCategoryList = z.infer<typeof ComplaintCategoryListSchema>;

/** Defaults first (stable order for UIs), then the organisation's additions. */
export function organizationComplaintCategories(extra: readonly ComplaintCategory[]): ComplaintCategory[] {
  const merged: ComplaintCategory[] = [...DEFAULT_COMPLAINT_CATEGORIES];
  for (const category of extra) if (!merged.includes(category)) merged.push(category);
  return merged;
}
