/**
 * Routing: which team handles a complaint, and which member of the team.
 *
 * Team routing is ACD-style (seed 000 G6: match the need to a skill group by rules): an ordered
 * list of rules, first match wins (Zendesk SLA/trigger convention), otherwise the default team.
 * Conditions use the shared condition language (conditions.ts) over these fields:
 *
 *   category, touchpoint, priority, source      strings
 *   severity                                    number 1 (low) … 4 (critical)
 *   segment.<key>                               segment attributes incl. hidden fields (region, tier, …)
 *   subject, description, text                  free text; `text` = subject + description,
 *                                               meant for `containsAny` keyword rules
 *   suggestedCategory                           the category the text engine suggests (issue 14):
 *                                               missing at intake; when the description is scored
 *                                               the rules run again (routeOnSuggestion) unless a
 *                                               person has set the owner or the category; pair it
 *                                               with `category answered false` to use it only for
 *                                               complaints nobody has classified
 *
 * Within a team: round robin (cursor = last assigned member id) or least open load. Inactive
 * members are skipped by both.
 */
import { z } from "zod";
import type { Complaint } from "./complaint";
import {
  type ConditionFieldValue,
  ConditionMatchModeSchema,
  conditionSchemaFor,
  evaluateConditions,
} from "./conditions";
import { EntityIdSchema } from "./primitives";

// ---------------------------------------------------------------------------------------------
// Team routing rules
// ---------------------------------------------------------------------------------------------

export const RoutingFieldSchema = z
  .string()
  .regex(/^(?:category|suggestedCategory|touchpoint|severity|priority|source|subject|description|text|segment\.[A-Za-z0-9_.-]{1,100})$/, {
    message: "must be category, suggestedCategory, touchpoint, severity, priority, source, subject, description, text or segment.<attribute>",
  });
export const RoutingConditionSchema = conditionSchemaFor(RoutingFieldSchema);
export type RoutingCondition = z.output<typeof RoutingConditionSchema>;

export const ComplaintRoutingRuleSchema = z.object({
  id: EntityIdSchema,
  name: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().default(true),
  match: ConditionMatchModeSchema.default("all"),
  /** `all` with no conditions matches everything — a catch-all placed before the default. */
  conditions: z.array(RoutingConditionSchema).max(50).default([]),
  teamId: EntityIdSchema,
});
export type ComplaintRoutingRule = z.output<typeof ComplaintRoutingRuleSchema>;

export const ComplaintRoutingConfigSchema = z
  .object({
    /** Evaluated in order; the first enabled matching rule wins. */
    rules: z.array(ComplaintRoutingRuleSchema).max(500),
    defaultTeamId: EntityIdSchema,
  })
  .refine((config) => new Set(config.rules.map((rule) => rule.id)).size === config.rules.length, {
    message: "routing rule ids must be unique",
  });
export type ComplaintRoutingConfig = z.output<typeof ComplaintRoutingConfigSchema>;
export type ComplaintRoutingConfigInput = z.input<typeof ComplaintRoutingConfigSchema>;

export type RoutingSubject = Pick<
  Complaint,
  "category" | "touchpoint" | "severity" | "priority" | "source" | "segment" | "subject" | "description"
> & {
  /** The undecided suggestion of the complaint's text, when it has been scored. */
  suggestedCategory?: string | null;
};

export type RoutingDecision = {
  teamId: string;
  /** The rule that matched; null when the default team was used. */
  ruleId: string | null;
};

function routingFieldResolver(subject: RoutingSubject): (field: string) => ConditionFieldValue {
  return (field) => {
    if (field.startsWith("segment.")) return subject.segment[field.slice("segment.".length)];
    switch (field) {
      case "category":
        return subject.category;
      case "suggestedCategory":
        return subject.suggestedCategory;
      case "touchpoint":
        return subject.touchpoint;
      case "severity":
        return subject.severity;
      case "priority":
        return subject.priority;
      case "source":
        return subject.source;
      case "subject":
        return subject.subject;
      case "description":
        return subject.description;
      case "text":
        return `${subject.subject}\n${subject.description}`;
      default:
        return undefined;
    }
  };
}

export function routeComplaint(config: ComplaintRoutingConfig, subject: RoutingSubject): RoutingDecision {
  const resolve = routingFieldResolver(subject);
  for (const rule of config.rules) {
    if (rule.enabled && evaluateConditions(rule.match, rule.conditions, resolve)) return { teamId: rule.teamId, ruleId: rule.id };
  }
  return { teamId: config.defaultTeamId, ruleId: null };
}

/**
 * Routing again once the text engine's suggestion is stored (intake routes before the text is
 * scored): the rules' decision with the suggestion, or null when nothing should move — a person has
 * already set the complaint's owner or category (their choice stands), or the rules choose the team
 * it already has.
 */
export function routeOnSuggestion(
  config: ComplaintRoutingConfig,
  subject: RoutingSubject & Pick<Complaint, "teamId">,
  decidedByPerson: boolean,
): RoutingDecision | null {
  if (decidedByPerson || !subject.suggestedCategory) return null;
  const decision = routeComplaint(config, subject);
  return decision.teamId === subject.teamId ? null : decision;
}

// ---------------------------------------------------------------------------------------------
// Assignment within a team
// ---------------------------------------------------------------------------------------------

export const ASSIGNMENT_STRATEGIES = ["round_robin", "least_open_load"] as const;
export const AssignmentStrategySchema = z.enum(ASSIGNMENT_STRATEGIES);
export type AssignmentStrategy = z.infer<typeof AssignmentStrategySchema>;

export type TeamMember = { id: string; active: boolean };

export type RoundRobinResult = {
  assigneeId: string | null;
  /** Store this and pass it next time; unchanged when nobody is available. */
  cursor: string | null;
};

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Next active member after the cursor, wrapping around. Members are ordered by id, so the cursor
 * (the last assigned member's id) keeps its place even if that member has since left the team:
 * we continue with the first id after it instead of restarting at the top.
 */
export function nextRoundRobinAssignee(members: readonly TeamMember[], cursor: string | null): RoundRobinResult {
  const ordered = [...members].sort(byId);
  if (ordered.length === 0) return { assigneeId: null, cursor };
  const startIndex = cursor === null ? 0 : ordered.findIndex((member) => member.id > cursor);
  const from = startIndex === -1 ? 0 : startIndex;
  for (let offset = 0; offset < ordered.length; offset++) {
    const member = ordered[(from + offset) % ordered.length];
    if (member.active) return { assigneeId: member.id, cursor: member.id };
  }
  return { assigneeId: null, cursor };
}

export type TeamMemberLoad = TeamMember & {
  /** Complaints currently open and assigned to this member. */
  openCount: number;
  /** Most recent assignment; members never assigned sort first on ties. */
  lastAssignedAt: Date | null;
};

/**
 * Active member with the fewest open complaints. Ties: the one assigned longest ago (never
 * assigned first), then the smallest id — deterministic, and it spreads a burst across ties.
 */
export function leastOpenLoadAssignee(members: readonly TeamMemberLoad[]): string | null {
  const candidates = members.filter((member) => member.active);
  candidates.sort((a, b) => {
    if (a.openCount !== b.openCount) return a.openCount - b.openCount;
    const aTime = a.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    const bTime = b.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (aTime !== bTime) return aTime < bTime ? -1 : 1;
    return byId(a, b);
  });
  return candidates[0]?.id ?? null;
}
