/**
 * SLA policies and the due-date / status calculator.
 *
 * Model (Zendesk/Freshdesk-style, peers §A6, applied to ISO 10002 timeliness):
 * - A policy per priority, optionally overridden for one category, gives targets in minutes for
 *   three milestones: acknowledge, first response, resolution.
 * - Targets run in business hours (the organisation's calendar) or calendar hours (24/7).
 * - Every clock starts at `receivedAt` and stops while the complaint is in a paused state:
 *   `waiting_on_customer` (we cannot act), `responded` by default (the remedy is with the customer
 *   for a decision) and, always, `closed` (so a reopened complaint resumes its original promise
 *   where it stopped rather than getting a fresh one). Pauses push due times later.
 * - A milestone is met when first acknowledged / first staff public reply / last closed.
 * - The resolution due time is the deadline promised to the customer (seed 001: promise a handling
 *   time limit and keep it).
 */
import { z } from "zod";
import {
  addBusinessMilliseconds,
  type BusinessCalendar,
  businessMillisecondsBetween,
  workingMinutesPerDay,
} from "./business-calendar";
import {
  COMPLAINT_PRIORITIES,
  ComplaintCategorySchema,
  type ComplaintCategory,
  type ComplaintPriority,
  ComplaintPrioritySchema,
} from "./classification";
import { type Complaint, type ComplaintState, ComplaintStateSchema, SLA_MILESTONES, type SlaMilestone } from "./complaint";

const MINUTE_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

export const SLA_HOURS_MODES = ["business", "calendar"] as const;
export const SlaHoursModeSchema = z.enum(SLA_HOURS_MODES);
export type SlaHoursMode = z.infer<typeof SlaHoursModeSchema>;

const targetMinutes = z.number().int().positive().max(525_600);

export const SlaTargetsSchema = z
  .object({
    acknowledgeMinutes: targetMinutes,
    firstResponseMinutes: targetMinutes,
    resolutionMinutes: targetMinutes,
  })
  .refine((t) => t.acknowledgeMinutes <= t.firstResponseMinutes && t.firstResponseMinutes <= t.resolutionMinutes, {
    message: "targets must satisfy acknowledge ≤ first response ≤ resolution",
  });
export type SlaTargets = z.infer<typeof SlaTargetsSchema>;

/** Default paused states; `closed` is always paused and need not be listed. */
export const DEFAULT_SLA_PAUSED_STATES = ["waiting_on_customer", "responded"] as const satisfies readonly ComplaintState[];

export const SlaPolicySchema = z.object({
  priority: ComplaintPrioritySchema,
  /** null = applies to every category of this priority; set = override for one category. */
  category: ComplaintCategorySchema.nullable().default(null),
  hoursMode: SlaHoursModeSchema.default("business"),
  targets: SlaTargetsSchema,
  /** "Approaching" when at most this share of the target is left (Freshdesk-style reminder). */
  approachingShare: z.number().gt(0).lt(1).default(0.2),
  /** Fixed lead time instead of the share, e.g. 30 → warn 30 minutes before due. */
  approachingLeadMinutes: z.number().int().positive().nullable().default(null),
  pausedStates: z
    .array(ComplaintStateSchema.exclude(["received", "closed"]))
    .default([...DEFAULT_SLA_PAUSED_STATES]),
});
export type SlaPolicy = z.output<typeof SlaPolicySchema>;
export type SlaPolicyInput = z.input<typeof SlaPolicySchema>;

/** An organisation's policies: one general policy per priority is required, overrides are optional. */
export const SlaPolicySetSchema = z.array(SlaPolicySchema).superRefine((policies, context) => {
  const seen = new Set<string>();
  for (const policy of policies) {
    const key = `${policy.priority}/${policy.category ?? "*"}`;
    if (seen.has(key)) context.addIssue({ code: "custom", message: `duplicate SLA policy for ${key}` });
    seen.add(key);
  }
  for (const priority of COMPLAINT_PRIORITIES) {
    if (!seen.has(`${priority}/*`)) context.addIssue({ code: "custom", message: `missing the general SLA policy for priority ${priority}` });
  }
});
export type SlaPolicySet = z.output<typeof SlaPolicySetSchema>;

/** Category override first, then the priority's general policy. */
export function resolveComplaintSlaPolicy(
  policies: SlaPolicySet,
  priority: ComplaintPriority,
  category: ComplaintCategory | null,
): SlaPolicy {
  const override = category === null ? undefined : policies.find((p) => p.priority === priority && p.category === category);
  const general = policies.find((p) => p.priority === priority && p.category === null);
  const policy = override ?? general;
  if (!policy) throw new Error(`no SLA policy for priority ${priority}; validate policies with SlaPolicySetSchema`);
  return policy;
}

/**
 * Defaults, all in business hours. "Day" = one working day of the given calendar (540 minutes for
 * the default 09:00–18:00), so the defaults keep their meaning under other working hours.
 *
 * | priority | acknowledge | first response | resolution |
 * |----------|-------------|----------------|------------|
 * | urgent   | 1 h         | 4 h            | 24 h       |
 * | high     | 2 h         | 1 day          | 3 days     |
 * | normal   | 4 h         | 2 days         | 5 days     |
 * | low      | 1 day       | 3 days         | 10 days    |
 *
 * Urgent is in business hours too; organisations that staff 24/7 should switch it to calendar mode.
 */
export function defaultComplaintSlaPolicies(calendar?: BusinessCalendar): SlaPolicySet {
  const day = calendar ? workingMinutesPerDay(calendar) : 540;
  const targets: Record<ComplaintPriority, SlaTargets> = {
    urgent: { acknowledgeMinutes: 60, firstResponseMinutes: 240, resolutionMinutes: 1440 },
    high: { acknowledgeMinutes: 120, firstResponseMinutes: day, resolutionMinutes: 3 * day },
    normal: { acknowledgeMinutes: 240, firstResponseMinutes: 2 * day, resolutionMinutes: 5 * day },
    low: { acknowledgeMinutes: day, firstResponseMinutes: 3 * day, resolutionMinutes: 10 * day },
  };
  return SlaPolicySetSchema.parse(COMPLAINT_PRIORITIES.map((priority) => ({ priority, targets: targets[priority] })));
}

export function slaTargetMinutes(policy: SlaPolicy, milestone: SlaMilestone): number {
  switch (milestone) {
    case "acknowledge":
      return policy.targets.acknowledgeMinutes;
    case "first_response":
      return policy.targets.firstResponseMinutes;
    case "resolution":
      return policy.targets.resolutionMinutes;
  }
}

// ---------------------------------------------------------------------------------------------
// Clocks and pauses
// ---------------------------------------------------------------------------------------------

/** The facts the calculator needs; a full `Complaint` satisfies it. */
export type ComplaintSlaFacts = Pick<
  Complaint,
  "state" | "receivedAt" | "acknowledgedAt" | "firstRespondedAt" | "closedAt" | "stateHistory"
>;

type SlaClock = {
  add: (startMs: number, durationMs: number) => number;
  between: (aMs: number, bMs: number) => number;
};

function clockFor(policy: SlaPolicy, calendar: BusinessCalendar): SlaClock {
  if (policy.hoursMode === "calendar") return { add: (startMs, durationMs) => startMs + durationMs, between: (aMs, bMs) => bMs - aMs };
  return {
    add: (startMs, durationMs) => addBusinessMilliseconds(startMs, durationMs, calendar),
    between: (aMs, bMs) => businessMillisecondsBetween(aMs, bMs, calendar),
  };
}

export type SlaPauseInterval = { startMs: number; endMs: number };

/**
 * Intervals spent in paused states, in order. A pause still in progress ends at `now`, which makes
 * the due time "if the clock restarted now" — what staff need to see while the customer owes us.
 */
export function slaPauseIntervals(facts: ComplaintSlaFacts, policy: SlaPolicy, now: Date): SlaPauseInterval[] {
  const paused = new Set<ComplaintState>([...policy.pausedStates, "closed"]);
  const intervals: SlaPauseInterval[] = [];
  facts.stateHistory.forEach((entry, index) => {
    if (!paused.has(entry.state)) return;
    const startMs = entry.at.getTime();
    const next = facts.stateHistory[index + 1];
    const endMs = next ? next.at.getTime() : Math.max(startMs, now.getTime());
    const previous = intervals[intervals.length - 1];
    // Consecutive paused states (waiting → responded) form one pause.
    if (previous && previous.endMs === startMs) previous.endMs = endMs;
    else intervals.push({ startMs, endMs });
  });
  return intervals;
}

function milestoneMetAt(facts: ComplaintSlaFacts, milestone: SlaMilestone): Date | null {
  switch (milestone) {
    case "acknowledge":
      return facts.acknowledgedAt;
    case "first_response":
      return facts.firstRespondedAt;
    case "resolution":
      return facts.closedAt;
  }
}

function dueAtMs(startMs: number, durationMs: number, pauses: readonly SlaPauseInterval[], clock: SlaClock): number {
  let cursorMs = startMs;
  let remainingMs = durationMs;
  for (const pause of pauses) {
    if (pause.endMs <= cursorMs) continue;
    if (pause.startMs > cursorMs) {
      const candidateMs = clock.add(cursorMs, remainingMs);
      if (candidateMs <= pause.startMs) return candidateMs;
      remainingMs -= clock.between(cursorMs, pause.startMs);
    }
    cursorMs = Math.max(cursorMs, pause.endMs);
  }
  return clock.add(cursorMs, remainingMs);
}

function computeDueAtMs(
  facts: ComplaintSlaFacts,
  policy: SlaPolicy,
  calendar: BusinessCalendar,
  milestone: SlaMilestone,
  now: Date,
  allPauses: readonly SlaPauseInterval[] = slaPauseIntervals(facts, policy, now),
  clock: SlaClock = clockFor(policy, calendar),
): number {
  const metAt = milestoneMetAt(facts, milestone);
  // Once met, only the pauses before the meeting moment count (clipped at it): what happens to the
  // complaint afterwards cannot move a deadline that is already decided.
  const metMs = metAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const pauses = allPauses.filter((pause) => pause.startMs < metMs).map((pause) => ({ startMs: pause.startMs, endMs: Math.min(pause.endMs, metMs) }));
  return dueAtMs(facts.receivedAt.getTime(), slaTargetMinutes(policy, milestone) * MINUTE_MS, pauses, clock);
}

/** When `milestone` is (or was) due, with paused intervals extending it. */
export function complaintSlaDueAt(
  facts: ComplaintSlaFacts,
  policy: SlaPolicy,
  calendar: BusinessCalendar,
  milestone: SlaMilestone,
  now: Date,
): Date {
  return new Date(computeDueAtMs(facts, policy, calendar, milestone, now));
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

export type SlaMilestoneStatus = {
  milestone: SlaMilestone;
  targetMinutes: number;
  dueAt: Date;
  metAt: Date | null;
  /** Met after the due time, or not met and the due time has passed. */
  breached: boolean;
  /**
   * Whole minutes left on the policy's clock (business or calendar), rounded down; negative when
   * overdue. For a met milestone: the slack it was met with.
   */
  remainingMinutes: number;
  /** Whole minutes past due (0 when not breached); escalation compares it with the target. */
  overdueMinutes: number;
  /** Not met, not breached, and within the approaching threshold. */
  approaching: boolean;
};

export type ComplaintSlaStatus = {
  priority: ComplaintPriority;
  category: ComplaintCategory | null;
  hoursMode: SlaHoursMode;
  /** The complaint sits in a paused state now; clocks are frozen. */
  paused: boolean;
  milestones: Record<SlaMilestone, SlaMilestoneStatus>;
  /** The resolution due time — the deadline promised to the customer. */
  promisedResolutionAt: Date;
};

/** What decides a milestone: when it is (or was) due, when it was met, and whether it was late. */
export type SlaMilestoneOutcome = Pick<SlaMilestoneStatus, "dueAt" | "metAt" | "breached"> & {
  /** The instant the due time is compared with: met-at, the start of an open pause, or now. */
  referenceMs: number;
};

/**
 * Due time, met-at and breach of every milestone, without the remaining-time figures (which walk
 * the business calendar from now to the due time): all that compliance statistics need.
 */
export function slaMilestoneOutcomes(
  complaint: ComplaintSlaFacts,
  policy: SlaPolicy,
  calendar: BusinessCalendar,
  now: Date,
): Record<SlaMilestone, SlaMilestoneOutcome> {
  const nowMs = now.getTime();
  const paused = (policy.pausedStates as readonly ComplaintState[]).includes(complaint.state);
  // The pause intervals and the clock are the same for every milestone: work them out once.
  const pauses = slaPauseIntervals(complaint, policy, now);
  const clock = clockFor(policy, calendar);
  // While paused the clock is frozen at the start of the current pause: a milestone already
  // breached before the pause does not keep growing more overdue while the customer owes us.
  const openPauseStartMs = paused ? pauses.at(-1)?.startMs ?? nowMs : nowMs;
  const outcome = (milestone: SlaMilestone): SlaMilestoneOutcome => {
    const dueMs = computeDueAtMs(complaint, policy, calendar, milestone, now, pauses, clock);
    const metAt = milestoneMetAt(complaint, milestone);
    const referenceMs = metAt ? metAt.getTime() : paused && dueMs < openPauseStartMs ? openPauseStartMs : nowMs;
    return { dueAt: new Date(dueMs), metAt, breached: referenceMs > dueMs, referenceMs };
  };
  return Object.fromEntries(SLA_MILESTONES.map((milestone) => [milestone, outcome(milestone)])) as Record<SlaMilestone, SlaMilestoneOutcome>;
}

export function slaStatus(
  complaint: ComplaintSlaFacts,
  policy: SlaPolicy,
  calendar: BusinessCalendar,
  now: Date,
): ComplaintSlaStatus {
  const clock = clockFor(policy, calendar);
  const paused = (policy.pausedStates as readonly ComplaintState[]).includes(complaint.state);
  const outcomes = slaMilestoneOutcomes(complaint, policy, calendar, now);
  const milestoneStatus = (milestone: SlaMilestone): SlaMilestoneStatus => {
    const target = slaTargetMinutes(policy, milestone);
    const { dueAt, metAt, breached, referenceMs } = outcomes[milestone];
    const exactRemainingMinutes = clock.between(referenceMs, dueAt.getTime()) / MINUTE_MS;
    const threshold = policy.approachingLeadMinutes ?? policy.approachingShare * target;
    return {
      milestone,
      targetMinutes: target,
      dueAt,
      metAt,
      breached,
      remainingMinutes: Math.floor(exactRemainingMinutes),
      overdueMinutes: breached ? Math.max(0, Math.floor(-exactRemainingMinutes)) : 0,
      approaching: metAt === null && !breached && exactRemainingMinutes <= threshold,
    };
  };
  const milestones = Object.fromEntries(SLA_MILESTONES.map((milestone) => [milestone, milestoneStatus(milestone)])) as Record<
    SlaMilestone,
    SlaMilestoneStatus
  >;
  return {
    priority: policy.priority,
    category: policy.category,
    hoursMode: policy.hoursMode,
    paused,
    milestones,
    promisedResolutionAt: milestones.resolution.dueAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Outcomes as stored on the complaint row
// ---------------------------------------------------------------------------------------------

/**
 * Bump when a change to this file's rules would decide a milestone differently: stored outcomes
 * computed under another version are then recomputed instead of trusted (it is part of the basis).
 */
export const SLA_OUTCOME_RULES_VERSION = 1;

export const SLA_STORED_OUTCOMES = ["met_on_time", "breached", "open"] as const;
export type SlaStoredOutcome = (typeof SLA_STORED_OUTCOMES)[number];

/**
 * A milestone's outcome as the write that last changed the complaint decided it. Met milestones
 * and breaches are final until the next write; an open milestone becomes breached by time passing
 * alone, which `breachedAfter` captures so a reader needs only `now` (no calendar walk).
 */
export type SlaMilestoneRecord = {
  outcome: SlaStoredOutcome;
  /**
   * Open milestones only: breached once `now` is past this instant. Null while the clock is stopped
   * (paused or closed) with time left — its due time moves with `now`, so only a write can breach it.
   */
  breachedAfter: Date | null;
};

/**
 * What to store for each milestone at a write at `now`. Valid for any later `now` until the next
 * write of the complaint (state, milestones and history change only through writes) and as long as
 * the policy and calendar stay the same: `storedMilestoneBreached(record, later)` equals
 * `slaMilestoneOutcomes(complaint, policy, calendar, later).breached`.
 */
export function slaMilestoneRecords(
  complaint: ComplaintSlaFacts,
  policy: SlaPolicy,
  calendar: BusinessCalendar,
  now: Date,
): Record<SlaMilestone, SlaMilestoneRecord> {
  // Decided as of the complaint's latest recorded instant if a skewed clock put it after `now`:
  // every later read sees the same outcome (the arguments below assume now ≥ every recorded time).
  const asOf = new Date(
    Math.max(
      now.getTime(),
      ...complaint.stateHistory.map((entry) => entry.at.getTime()),
      ...[complaint.acknowledgedAt, complaint.firstRespondedAt, complaint.closedAt].map((at) => at?.getTime() ?? 0),
    ),
  );
  const outcomes = slaMilestoneOutcomes(complaint, policy, calendar, asOf);
  const clockStopped = complaint.state === "closed" || (policy.pausedStates as readonly ComplaintState[]).includes(complaint.state);
  const stopStartMs = clockStopped ? slaPauseIntervals(complaint, policy, asOf).at(-1)?.startMs ?? asOf.getTime() : null;
  const record = (milestone: SlaMilestone): SlaMilestoneRecord => {
    const { dueAt, metAt, breached } = outcomes[milestone];
    if (metAt !== null) return { outcome: breached ? "breached" : "met_on_time", breachedAfter: null };
    // Breached and unmet stays breached: the instant compared with the due time only grows.
    if (breached) return { outcome: "breached", breachedAfter: null };
    // A running clock's due time is fixed until the next write. A stopped clock's due time is
    // "now + what was left", always ahead of now — unless nothing was left when it stopped, in
    // which case the due time is the stop itself and fixed.
    if (stopStartMs === null || dueAt.getTime() <= stopStartMs) return { outcome: "open", breachedAfter: dueAt };
    return { outcome: "open", breachedAfter: null };
  };
  return Object.fromEntries(SLA_MILESTONES.map((milestone) => [milestone, record(milestone)])) as Record<SlaMilestone, SlaMilestoneRecord>;
}

/** Breach of a stored milestone at read time `now` (the SQL of complaint analytics says the same). */
export function storedMilestoneBreached(record: SlaMilestoneRecord, now: Date): boolean {
  return record.outcome === "breached" || (record.outcome === "open" && record.breachedAfter !== null && now.getTime() > record.breachedAfter.getTime());
}
