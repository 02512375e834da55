import { describe, expect, it } from "vitest";
import {
  applyComplaintTransition,
  type Complaint,
  type ComplaintActor,
  complaintSlaDueAt,
  type ComplaintState,
  defaultBusinessCalendar,
  defaultComplaintSlaPolicies,
  resolveComplaintSlaPolicy,
  type SlaPolicy,
  SlaPolicySchema,
  type SlaPolicyInput,
  SlaPolicySetSchema,
  SLA_MILESTONES,
  slaMilestoneOutcomes,
  slaMilestoneRecords,
  slaPauseIntervals,
  slaStatus,
  storedMilestoneBreached,
} from "../../../src/domain/complaints";
import { CUSTOMER, newComplaint, STAFF, SYSTEM, VALID_PAYLOADS } from "./fixtures";

const BERLIN = defaultBusinessCalendar("Europe/Berlin");
const POLICIES = defaultComplaintSlaPolicies(BERLIN);
const NORMAL = resolveComplaintSlaPolicy(POLICIES, "normal", null);
const policy = (input: SlaPolicyInput): SlaPolicy => SlaPolicySchema.parse(input);
const URGENT_24_7 = policy({
  priority: "urgent",
  hoursMode: "calendar",
  targets: { acknowledgeMinutes: 60, firstResponseMinutes: 240, resolutionMinutes: 1440 },
});

/** Monday 2026-03-02 09:00 Europe/Berlin. */
const MON_0900 = new Date("2026-03-02T08:00:00Z");
const utc = (iso: string) => new Date(iso);

type Move = [to: ComplaintState, actor: ComplaintActor, at: string, payload?: unknown];

/** Run a scripted history; payloads default to the fixtures' valid ones. */
function history(moves: Move[], start = MON_0900): Complaint {
  let complaint = newComplaint(start);
  for (const [to, actor, at, payload] of moves) {
    const result = applyComplaintTransition(complaint, { to, actor, payload: payload ?? defaultPayload(complaint.state, to, actor) }, utc(at));
    if (!result.ok) throw new Error(`${complaint.state} → ${to}: ${result.message}`);
    complaint = result.complaint;
  }
  return complaint;
}

function defaultPayload(from: ComplaintState, to: ComplaintState, actor: ComplaintActor): unknown {
  if (to === "acknowledged") return VALID_PAYLOADS.acknowledge;
  if (to === "assessed") return VALID_PAYLOADS.assess;
  if (to === "waiting_on_customer") return VALID_PAYLOADS.request_information;
  if (from === "waiting_on_customer") return actor.kind === "customer" ? VALID_PAYLOADS.customer_reply_while_waiting : {};
  if (to === "responded") return VALID_PAYLOADS.respond;
  if (to === "closed") return actor.kind === "customer" ? VALID_PAYLOADS.accept_remedy : VALID_PAYLOADS.close;
  if (to === "reopened") return VALID_PAYLOADS.reopen;
  if (from === "responded" && to === "investigating") return actor.kind === "customer" ? VALID_PAYLOADS.reject_remedy : VALID_PAYLOADS.revise_response;
  return {};
}

describe("policies", () => {
  it("defaults: stricter targets for higher priorities, business hours, 20 % approaching", () => {
    expect(POLICIES.map((p) => [p.priority, p.targets.acknowledgeMinutes, p.targets.firstResponseMinutes, p.targets.resolutionMinutes])).toEqual([
      ["low", 540, 1620, 5400],
      ["normal", 240, 1080, 2700],
      ["high", 120, 540, 1620],
      ["urgent", 60, 240, 1440],
    ]);
    expect(POLICIES.every((p) => p.hoursMode === "business" && p.approachingShare === 0.2)).toBe(true);
  });

  it("expresses 'days' in the calendar's working day length", () => {
    const eightHourDays = defaultBusinessCalendar("UTC");
    const shortDays = { ...eightHourDays, workingHours: [{ start: "09:00", end: "17:00" }] };
    expect(resolveComplaintSlaPolicy(defaultComplaintSlaPolicies(shortDays), "low", null).targets.resolutionMinutes).toBe(4800);
  });

  it("a category override wins over the priority's general policy", () => {
    const billingUrgent = { ...URGENT_24_7, category: "billing" };
    const set = SlaPolicySetSchema.parse([...POLICIES, billingUrgent]);
    expect(resolveComplaintSlaPolicy(set, "urgent", "billing").hoursMode).toBe("calendar");
    expect(resolveComplaintSlaPolicy(set, "urgent", "delivery").hoursMode).toBe("business");
    expect(resolveComplaintSlaPolicy(set, "urgent", null).hoursMode).toBe("business");
  });

  it.each<[string, unknown]>([
    ["a missing priority", POLICIES.filter((p) => p.priority !== "low")],
    ["a duplicate policy", [...POLICIES, POLICIES[0]]],
    ["targets out of order", [...POLICIES.slice(1), { ...POLICIES[0], targets: { acknowledgeMinutes: 600, firstResponseMinutes: 60, resolutionMinutes: 6000 } }]],
    ["pausing in received", [...POLICIES.slice(1), { ...POLICIES[0], pausedStates: ["received"] }]],
  ])("rejects %s", (_label, input) => {
    expect(SlaPolicySetSchema.safeParse(input).success).toBe(false);
  });
});

describe("due times (business hours, Europe/Berlin)", () => {
  const fresh = newComplaint(MON_0900);

  it.each([
    ["acknowledge", "2026-03-02T12:00:00.000Z"], // Mon 13:00
    ["first_response", "2026-03-03T17:00:00.000Z"], // Tue 18:00
    ["resolution", "2026-03-06T17:00:00.000Z"], // Fri 18:00
  ] as const)("%s is due at %s", (milestone, expected) => {
    expect(complaintSlaDueAt(fresh, NORMAL, BERLIN, milestone, MON_0900).toISOString()).toBe(expected);
  });

  it("calendar-hours mode ignores working hours and weekends", () => {
    const saturday = newComplaint(utc("2026-03-07T20:00:00Z"));
    expect(complaintSlaDueAt(saturday, URGENT_24_7, BERLIN, "acknowledge", saturday.receivedAt).toISOString()).toBe("2026-03-07T21:00:00.000Z");
    expect(complaintSlaDueAt(saturday, URGENT_24_7, BERLIN, "resolution", saturday.receivedAt).toISOString()).toBe("2026-03-08T20:00:00.000Z");
  });

  it("a complaint received on Friday evening is due after the weekend", () => {
    const fridayEvening = newComplaint(utc("2026-03-06T19:00:00Z"));
    expect(complaintSlaDueAt(fridayEvening, NORMAL, BERLIN, "acknowledge", fridayEvening.receivedAt).toISOString()).toBe("2026-03-09T12:00:00.000Z");
  });
});

describe("pauses extend due times", () => {
  // Acknowledged, assessed, investigating; asks the customer Mon 10:00; customer answers Tue 10:00.
  const answered = history([
    ["acknowledged", SYSTEM, "2026-03-02T08:05:00Z"],
    ["assessed", STAFF, "2026-03-02T08:10:00Z", { priority: "normal", category: "billing" }],
    ["investigating", STAFF, "2026-03-02T08:15:00Z"],
    ["waiting_on_customer", STAFF, "2026-03-02T09:00:00Z"],
    ["investigating", CUSTOMER, "2026-03-03T09:00:00Z"],
  ]);

  it("records the waiting interval as a pause", () => {
    expect(slaPauseIntervals(answered, NORMAL, utc("2026-03-04T00:00:00Z"))).toEqual([
      { startMs: Date.parse("2026-03-02T09:00:00Z"), endMs: Date.parse("2026-03-03T09:00:00Z") },
    ]);
  });

  it("moves the resolution due time by the paused business minutes (480 Mon + 60 Tue = one working day)", () => {
    expect(complaintSlaDueAt(answered, NORMAL, BERLIN, "resolution", utc("2026-03-04T00:00:00Z")).toISOString()).toBe("2026-03-09T17:00:00.000Z");
  });

  it("does not move a milestone met before the pause", () => {
    expect(complaintSlaDueAt(answered, NORMAL, BERLIN, "acknowledge", utc("2026-03-04T00:00:00Z")).toISOString()).toBe("2026-03-02T12:00:00.000Z");
  });

  it("also pauses while the remedy awaits the customer's decision (responded)", () => {
    const rejected = history([
      ["acknowledged", SYSTEM, "2026-03-02T08:05:00Z"],
      ["assessed", STAFF, "2026-03-02T08:10:00Z", { priority: "normal", category: "billing" }],
      ["investigating", STAFF, "2026-03-02T08:15:00Z"],
      ["waiting_on_customer", STAFF, "2026-03-02T09:00:00Z"],
      ["investigating", CUSTOMER, "2026-03-03T09:00:00Z"],
      ["responded", STAFF, "2026-03-04T09:00:00Z"],
      ["investigating", CUSTOMER, "2026-03-05T09:00:00Z"],
    ]);
    expect(complaintSlaDueAt(rejected, NORMAL, BERLIN, "resolution", utc("2026-03-06T00:00:00Z")).toISOString()).toBe("2026-03-10T17:00:00.000Z");
  });

  it("an open pause freezes the clock: due = now + what was left", () => {
    const waiting = history([
      ["acknowledged", SYSTEM, "2026-03-02T08:05:00Z"],
      ["waiting_on_customer", STAFF, "2026-03-02T09:00:00Z"],
    ]);
    const now = utc("2026-03-04T09:00:00Z"); // Wed 10:00, paused since Mon 10:00 (1080 business minutes)
    const status = slaStatus(waiting, NORMAL, BERLIN, now);
    expect(status.paused).toBe(true);
    expect(status.milestones.resolution.dueAt.toISOString()).toBe("2026-03-10T17:00:00.000Z");
    expect(status.milestones.resolution.remainingMinutes).toBe(2700 - 60);
    expect(status.promisedResolutionAt).toEqual(status.milestones.resolution.dueAt);
    // One day later nothing has been used up.
    expect(slaStatus(waiting, NORMAL, BERLIN, utc("2026-03-05T09:00:00Z")).milestones.resolution.remainingMinutes).toBe(2640);
  });

  it("a milestone breached before a pause stops growing more overdue during the pause", () => {
    // First response was due Tue 18:00; the complaint pauses Wed 10:00, one business hour late.
    const late = history([
      ["acknowledged", SYSTEM, "2026-03-02T08:05:00Z"],
      ["assessed", STAFF, "2026-03-02T08:10:00Z", { priority: "normal", category: "billing" }],
    ]);
    const waitingSinceWednesday = {
      ...late,
      state: "waiting_on_customer" as const,
      stateBeforeWaiting: "assessed" as const,
      stateHistory: [...late.stateHistory, { state: "waiting_on_customer" as const, at: utc("2026-03-04T09:00:00Z") }],
    };
    const wednesday = slaStatus(waitingSinceWednesday, NORMAL, BERLIN, utc("2026-03-04T12:00:00Z")).milestones.first_response;
    const friday = slaStatus(waitingSinceWednesday, NORMAL, BERLIN, utc("2026-03-06T12:00:00Z")).milestones.first_response;
    expect(wednesday).toMatchObject({ breached: true, overdueMinutes: 60 });
    expect(friday).toEqual(wednesday);
  });

  it("a reopened complaint resumes its original promise: the closed interval is paused (calendar hours)", () => {
    const moves: Move[] = [
      ["acknowledged", SYSTEM, "2026-03-02T08:10:00Z"],
      ["assessed", STAFF, "2026-03-02T08:20:00Z", { priority: "urgent", category: "billing" }],
      ["investigating", STAFF, "2026-03-02T08:30:00Z"],
      ["responded", STAFF, "2026-03-02T10:00:00Z"],
      ["closed", CUSTOMER, "2026-03-02T11:00:00Z"],
    ];
    const closed = history(moves);
    const closedStatus = slaStatus(closed, URGENT_24_7, BERLIN, utc("2026-03-02T12:00:00Z"));
    expect(closedStatus.milestones.resolution).toMatchObject({ metAt: utc("2026-03-02T11:00:00Z"), breached: false, remainingMinutes: 1320 });
    expect(closedStatus.milestones.resolution.dueAt.toISOString()).toBe("2026-03-03T09:00:00.000Z");

    const reopened = history([
      ...moves,
      ["reopened", CUSTOMER, "2026-03-03T08:00:00Z"],
      ["investigating", STAFF, "2026-03-03T08:30:00Z"],
    ]);
    const status = slaStatus(reopened, URGENT_24_7, BERLIN, utc("2026-03-03T12:00:00Z"));
    // Used: 2 h before responding + 4 h since reopening = 6 h of 24 h.
    expect(status.milestones.resolution).toMatchObject({ metAt: null, remainingMinutes: 1080, breached: false });
    expect(status.milestones.resolution.dueAt.toISOString()).toBe("2026-03-04T06:00:00.000Z");
  });
});

describe("slaStatus", () => {
  const fresh = newComplaint(MON_0900);

  it.each<[string, string, { remainingMinutes: number; approaching: boolean; breached: boolean; overdueMinutes: number }]>([
    ["plenty of time", "2026-03-02T08:30:00Z", { remainingMinutes: 210, approaching: false, breached: false, overdueMinutes: 0 }],
    ["approaching at ≤ 20 % left (48 of 240 minutes)", "2026-03-02T11:12:00Z", { remainingMinutes: 48, approaching: true, breached: false, overdueMinutes: 0 }],
    ["exactly due is not yet breached", "2026-03-02T12:00:00Z", { remainingMinutes: 0, approaching: true, breached: false, overdueMinutes: 0 }],
    ["breached", "2026-03-02T12:30:00Z", { remainingMinutes: -30, approaching: false, breached: true, overdueMinutes: 30 }],
    ["overdue counts business minutes only (13:00 → 18:00)", "2026-03-02T19:00:00Z", { remainingMinutes: -300, approaching: false, breached: true, overdueMinutes: 300 }],
  ])("acknowledge: %s", (_label, now, expected) => {
    expect(slaStatus(fresh, NORMAL, BERLIN, utc(now)).milestones.acknowledge).toMatchObject({ ...expected, metAt: null, targetMinutes: 240 });
  });

  it("just outside the approaching window is not approaching", () => {
    expect(slaStatus(fresh, NORMAL, BERLIN, utc("2026-03-02T11:11:00Z")).milestones.acknowledge.approaching).toBe(false);
  });

  it("a fixed lead time replaces the share", () => {
    const withLead = { ...NORMAL, approachingLeadMinutes: 100 };
    expect(slaStatus(fresh, withLead, BERLIN, utc("2026-03-02T10:20:00Z")).milestones.acknowledge.approaching).toBe(true);
    expect(slaStatus(fresh, withLead, BERLIN, utc("2026-03-02T10:19:00Z")).milestones.acknowledge.approaching).toBe(false);
  });

  it("met on time keeps its slack; met late stays breached", () => {
    const onTime = history([["acknowledged", SYSTEM, "2026-03-02T08:05:00Z"]]);
    expect(slaStatus(onTime, NORMAL, BERLIN, utc("2026-03-05T00:00:00Z")).milestones.acknowledge).toMatchObject({
      metAt: utc("2026-03-02T08:05:00Z"),
      breached: false,
      remainingMinutes: 235,
      approaching: false,
    });
    const late = history([["acknowledged", STAFF, "2026-03-02T13:00:00Z"]]);
    expect(slaStatus(late, NORMAL, BERLIN, utc("2026-03-05T00:00:00Z")).milestones.acknowledge).toMatchObject({ breached: true, overdueMinutes: 60, approaching: false });
  });

  it("reports the policy it used", () => {
    expect(slaStatus(fresh, NORMAL, BERLIN, MON_0900)).toMatchObject({ priority: "normal", category: null, hoursMode: "business", paused: false });
  });
});

describe("stored milestone outcomes (slaMilestoneRecords)", () => {
  // Every prefix of these histories is a write; each write's stored record must give the
  // calculator's breach and met-on-time at every later read time, with no further write.
  const scripts: { name: string; moves: Move[] }[] = [
    {
      name: "pauses, a rejected remedy, close and reopen",
      moves: [
        ["acknowledged", SYSTEM, "2026-03-02T08:05:00Z"],
        ["assessed", STAFF, "2026-03-02T08:10:00Z", { priority: "normal", category: "billing" }],
        ["investigating", STAFF, "2026-03-02T08:15:00Z"],
        ["waiting_on_customer", STAFF, "2026-03-02T09:00:00Z"],
        ["investigating", CUSTOMER, "2026-03-04T09:00:00Z"],
        ["responded", STAFF, "2026-03-05T10:00:00Z"],
        ["investigating", CUSTOMER, "2026-03-06T10:00:00Z"],
        ["responded", STAFF, "2026-03-12T10:00:00Z"],
        ["closed", CUSTOMER, "2026-03-13T10:00:00Z"],
        ["reopened", CUSTOMER, "2026-03-20T10:00:00Z"],
        ["investigating", STAFF, "2026-03-20T11:00:00Z"],
        ["responded", STAFF, "2026-03-27T11:00:00Z"],
        ["closed", STAFF, "2026-03-30T11:00:00Z"],
      ],
    },
    {
      // 5 working days from Mon 09:00 end exactly at Fri 18:00 Berlin: no time left at the pause.
      name: "paused exactly when the resolution falls due",
      moves: [
        ["acknowledged", SYSTEM, "2026-03-02T08:05:00Z"],
        ["assessed", STAFF, "2026-03-02T08:10:00Z", { priority: "normal", category: "billing" }],
        ["investigating", STAFF, "2026-03-02T08:15:00Z"],
        ["waiting_on_customer", STAFF, "2026-03-06T17:00:00Z"],
        ["investigating", CUSTOMER, "2026-03-10T09:00:00Z"],
      ],
    },
    {
      name: "paused after the resolution was overdue",
      moves: [
        ["acknowledged", SYSTEM, "2026-03-02T08:05:00Z"],
        ["assessed", STAFF, "2026-03-02T08:10:00Z", { priority: "normal", category: "billing" }],
        ["responded", STAFF, "2026-03-06T17:30:00Z"],
        ["investigating", CUSTOMER, "2026-03-11T17:30:00Z"],
      ],
    },
    { name: "never acknowledged (breached by time alone)", moves: [] },
  ];
  const RESPONDED_RUNS = policy({ priority: "normal", targets: NORMAL.targets, pausedStates: ["waiting_on_customer"] });
  const readOffsetsMinutes = [0, 1, 59, 180, 1440, 2 * 1440, 5 * 1440, 12 * 1440, 40 * 1440];

  for (const script of scripts) {
    for (const [policyName, slaPolicy] of [["business hours", NORMAL], ["24/7", URGENT_24_7], ["responded not paused", RESPONDED_RUNS]] as const) {
      it(`${script.name}, ${policyName}`, () => {
        let checked = 0;
        let breachedByTime = 0;
        for (let length = 0; length <= script.moves.length; length++) {
          const complaint = history(script.moves.slice(0, length));
          const writtenAt = length === 0 ? MON_0900 : utc(script.moves[length - 1]![2]);
          const records = slaMilestoneRecords(complaint, slaPolicy, BERLIN, writtenAt);
          const dueInstants = SLA_MILESTONES.flatMap((m) => (records[m].breachedAfter ? [records[m].breachedAfter!.getTime(), records[m].breachedAfter!.getTime() + 1] : []));
          const reads = [...readOffsetsMinutes.map((minutes) => writtenAt.getTime() + minutes * 60_000), ...dueInstants.filter((ms) => ms >= writtenAt.getTime())];
          for (const readMs of reads) {
            const now = new Date(readMs);
            const outcomes = slaMilestoneOutcomes(complaint, slaPolicy, BERLIN, now);
            for (const milestone of SLA_MILESTONES) {
              const record = records[milestone];
              expect({ milestone, at: now.toISOString(), breached: storedMilestoneBreached(record, now), metOnTime: record.outcome === "met_on_time" }).toEqual({
                milestone,
                at: now.toISOString(),
                breached: outcomes[milestone].breached,
                metOnTime: outcomes[milestone].metAt !== null && !outcomes[milestone].breached,
              });
              if (record.outcome === "open" && outcomes[milestone].breached) breachedByTime++;
              checked++;
            }
          }
        }
        expect(checked).toBeGreaterThan(0);
        // Each script has an open milestone that later falls due with no write in between.
        expect(breachedByTime).toBeGreaterThan(0);
      });
    }
  }

  it("keeps a milestone that had no time left when the clock stopped open until the stop has passed", () => {
    const complaint = history(scripts[1]!.moves.slice(0, 4));
    const records = slaMilestoneRecords(complaint, NORMAL, BERLIN, utc("2026-03-06T17:00:00Z"));
    expect(records.resolution).toEqual({ outcome: "open", breachedAfter: utc("2026-03-06T17:00:00Z") });
  });

  it("stores no breach instant for a paused milestone with time left (only a write can breach it)", () => {
    const complaint = history(scripts[0]!.moves.slice(0, 4));
    const records = slaMilestoneRecords(complaint, NORMAL, BERLIN, utc("2026-03-02T09:00:00Z"));
    expect(records.resolution).toEqual({ outcome: "open", breachedAfter: null });
    expect(records.acknowledge.outcome).toBe("met_on_time");
  });
});
