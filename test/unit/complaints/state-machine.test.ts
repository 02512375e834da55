import { describe, expect, it } from "vitest";
import {
  applyComplaintTransition,
  COMPLAINT_ACTOR_KINDS,
  COMPLAINT_STATES,
  COMPLAINT_TRANSITIONS,
  ComplaintSchema,
  ComplaintTimelineEventSchema,
  type ComplaintActorKind,
  type ComplaintState,
  type ComplaintTransitionName,
  legalTransitions,
  openComplaint,
  WAITING_RETURN_STATES,
  type WaitingReturnState,
} from "../../../src/domain/complaints";
import { complaintIn, CUSTOMER, minutesAfter, STAFF, SYSTEM, T0, VALID_PAYLOADS } from "./fixtures";

const ACTORS = { staff: STAFF, customer: CUSTOMER, system: SYSTEM } as const;

/**
 * The workflow specification, written out by hand: every legal (from, to, actor) and the
 * transition it must run. The generated test below checks the engine against this list for every
 * combination of state × target × actor, so a table edit that changes behaviour fails loudly.
 * `P` stands for the state waiting_on_customer returns to.
 */
type SpecRow = [from: ComplaintState, to: ComplaintState | "P", actor: ComplaintActorKind, transition: ComplaintTransitionName];
const SPEC: SpecRow[] = [
  ["received", "acknowledged", "staff", "acknowledge"],
  ["received", "acknowledged", "system", "acknowledge"],
  ["received", "received", "customer", "customer_reply"],
  ["acknowledged", "assessed", "staff", "assess"],
  ["acknowledged", "waiting_on_customer", "staff", "request_information"],
  ["acknowledged", "acknowledged", "customer", "customer_reply"],
  ["assessed", "investigating", "staff", "start_investigation"],
  ["assessed", "responded", "staff", "respond"],
  ["assessed", "waiting_on_customer", "staff", "request_information"],
  ["assessed", "assessed", "customer", "customer_reply"],
  ["investigating", "responded", "staff", "respond"],
  ["investigating", "waiting_on_customer", "staff", "request_information"],
  ["investigating", "investigating", "customer", "customer_reply"],
  ["waiting_on_customer", "P", "customer", "customer_reply_while_waiting"],
  ["waiting_on_customer", "P", "staff", "resume_from_waiting"],
  ["responded", "closed", "customer", "accept_remedy"],
  ["responded", "closed", "staff", "close"],
  ["responded", "investigating", "customer", "reject_remedy"],
  ["responded", "investigating", "staff", "revise_response"],
  ["responded", "waiting_on_customer", "staff", "request_information"],
  ["responded", "responded", "customer", "customer_reply"],
  ["closed", "reopened", "customer", "reopen"],
  ["closed", "reopened", "staff", "reopen"],
  ["reopened", "assessed", "staff", "assess"],
  ["reopened", "investigating", "staff", "start_investigation"],
  ["reopened", "reopened", "customer", "customer_reply"],
];

type Situation = { state: ComplaintState; waitingFrom: WaitingReturnState | null };
const SITUATIONS: Situation[] = COMPLAINT_STATES.flatMap((state): Situation[] =>
  state === "waiting_on_customer"
    ? WAITING_RETURN_STATES.map((waitingFrom) => ({ state, waitingFrom }))
    : [{ state, waitingFrom: null }],
);

function specFor(situation: Situation, to: ComplaintState, actor: ComplaintActorKind): SpecRow | undefined {
  return SPEC.find(
    ([from, target, kind]) =>
      from === situation.state && kind === actor && (target === "P" ? situation.waitingFrom === to : target === to),
  );
}

function anyActorMay(situation: Situation, to: ComplaintState): boolean {
  return COMPLAINT_ACTOR_KINDS.some((actor) => specFor(situation, to, actor) !== undefined);
}

const CASES = SITUATIONS.flatMap((situation) =>
  COMPLAINT_STATES.flatMap((to) => COMPLAINT_ACTOR_KINDS.map((actor) => ({ situation, to, actor }))),
);

describe("transition table (generated: every state × target × actor)", () => {
  it.each(CASES.map((c) => [`${c.situation.state}${c.situation.waitingFrom ? `(from ${c.situation.waitingFrom})` : ""} → ${c.to} by ${c.actor}`, c]))(
    "%s",
    (_label, { situation, to, actor }) => {
      const complaint = complaintIn(situation.state, situation.waitingFrom ?? undefined);
      expect(complaint.state).toBe(situation.state);
      const spec = specFor(situation, to, actor);
      const payload = spec ? VALID_PAYLOADS[spec[3]] : {};
      const result = applyComplaintTransition(complaint, { to, actor: ACTORS[actor], payload }, minutesAfter(T0, 60));
      if (spec) {
        expect(result.ok, result.ok ? "" : result.message).toBe(true);
        if (!result.ok) return;
        expect(result.transition).toBe(spec[3]);
        expect(result.complaint.state).toBe(to);
      } else {
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.reason).toBe(anyActorMay(situation, to) ? "forbidden_actor" : "illegal_transition");
      }
    },
  );

  it("covers every table row taken by `to` alone and nothing else (named-only rows: bulk.test.ts)", () => {
    const specNames = new Set(SPEC.map((row) => row[3]));
    expect(new Set(COMPLAINT_TRANSITIONS.filter((row) => !row.namedOnly).map((row) => row.name))).toEqual(specNames);
    expect(COMPLAINT_TRANSITIONS.filter((row) => row.namedOnly).map((row) => row.name)).toEqual(["close_as_duplicate"]);
  });

  it("keeps (from, resolved target, actor) unique so a request needs only `to`", () => {
    const seen = new Set<string>();
    for (const situation of SITUATIONS) {
      for (const definition of COMPLAINT_TRANSITIONS) {
        if (!definition.from.includes(situation.state) || definition.namedOnly) continue;
        const target =
          definition.to.kind === "state" ? definition.to.state : definition.to.kind === "same" ? situation.state : situation.waitingFrom;
        for (const actor of definition.actors) {
          const key = `${situation.state}/${situation.waitingFrom}/${target}/${actor}`;
          expect(seen.has(key), key).toBe(false);
          seen.add(key);
        }
      }
    }
  });

  it("lets every state be reached from received and closed be left only by reopen", () => {
    const reachable = new Set<ComplaintState>(["received"]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const definition of COMPLAINT_TRANSITIONS) {
        if (!definition.from.some((state) => reachable.has(state))) continue;
        const targets = definition.to.kind === "state" ? [definition.to.state] : definition.to.kind === "previous" ? definition.to.allowed : [];
        for (const target of targets) {
          if (!reachable.has(target)) {
            reachable.add(target);
            changed = true;
          }
        }
      }
    }
    expect([...reachable].sort()).toEqual([...COMPLAINT_STATES].sort());
    expect(COMPLAINT_TRANSITIONS.filter((d) => d.from.includes("closed")).map((d) => d.name)).toEqual(["reopen"]);
  });
});

describe("payload validation", () => {
  const INVALID: [ComplaintTransitionName, ComplaintState, ComplaintState, ComplaintActorKind, unknown][] = [
    ["acknowledge", "received", "acknowledged", "staff", { message: "   " }],
    ["assess", "acknowledged", "assessed", "staff", {}],
    ["assess", "acknowledged", "assessed", "staff", { priority: "critical", category: "billing" }],
    ["assess", "acknowledged", "assessed", "staff", { priority: "high", category: "Billing Issues" }],
    ["assess", "acknowledged", "assessed", "staff", { priority: "high", category: "billing", severity: 5 }],
    ["start_investigation", "assessed", "investigating", "staff", { note: "" }],
    ["respond", "investigating", "responded", "staff", { publicReply: "Sorry" }],
    ["respond", "investigating", "responded", "staff", { publicReply: "  ", proposedRemedy: "Refund" }],
    ["request_information", "investigating", "waiting_on_customer", "staff", {}],
    ["customer_reply", "investigating", "investigating", "customer", { message: "" }],
    ["accept_remedy", "responded", "closed", "customer", { comment: 5 }],
    ["reject_remedy", "responded", "investigating", "customer", {}],
    ["revise_response", "responded", "investigating", "staff", { reason: " " }],
    ["close", "responded", "closed", "staff", {}],
    ["close", "responded", "closed", "staff", { resolution: { outcome: "closed_with_disagreement" } }],
    ["close", "responded", "closed", "staff", { resolution: { outcome: "resolved" } }],
    ["reopen", "closed", "reopened", "customer", { reason: "   " }],
    ["reopen", "closed", "reopened", "staff", undefined],
  ];
  it.each(INVALID)("%s from %s rejects %j", (name, from, to, actor, payload) => {
    const result = applyComplaintTransition(complaintIn(from), { to, actor: ACTORS[actor], payload }, minutesAfter(T0, 60));
    expect(result).toMatchObject({ ok: false, reason: "invalid_payload" });
    if (!result.ok) {
      expect(result.message).toContain(name);
      expect(result.issues?.length).toBeGreaterThan(0);
    }
  });

  it("a legal transition with a missing payload object is validated as {}", () => {
    const result = applyComplaintTransition(complaintIn("received"), { to: "acknowledged", actor: SYSTEM }, minutesAfter(T0, 5));
    expect(result.ok).toBe(true);
  });
});

describe("important transitions", () => {
  const at = minutesAfter(T0, 120);

  it("acknowledge meets the acknowledge milestone; an automatic acknowledgement is not a response", () => {
    const result = applyComplaintTransition(complaintIn("received"), { to: "acknowledged", actor: SYSTEM, payload: { message: "We got it." } }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint.acknowledgedAt).toEqual(at);
    expect(result.complaint.firstRespondedAt).toBeNull();
    expect(result.complaint.staffPublicReplyCount).toBe(0);
    expect(result.events.map((e) => e.type)).toEqual(["state_changed", "public_reply"]);
  });

  it("assess sets priority, category and severity (label → number) and records them", () => {
    const result = applyComplaintTransition(
      complaintIn("acknowledged"),
      { to: "assessed", actor: STAFF, payload: { priority: "urgent", category: "product_quality", severity: "critical", note: "Safety issue" } },
      at,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint).toMatchObject({ priority: "urgent", category: "product_quality", severity: 4 });
    expect(result.events[0]).toMatchObject({
      type: "state_changed",
      data: { transition: "assess", from: "acknowledged", to: "assessed", priority: "urgent", category: "product_quality", severity: 4 },
    });
    expect(result.events[1]).toMatchObject({ type: "note", data: { text: "Safety issue" } });
  });

  it("respond proposes a remedy, sends the reply and meets first response", () => {
    const result = applyComplaintTransition(complaintIn("investigating"), { to: "responded", actor: STAFF, payload: VALID_PAYLOADS.respond }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint).toMatchObject({ proposedRemedy: "Refund of 120 CNY", staffPublicReplyCount: 1, firstRespondedAt: at });
    expect(result.events).toEqual([
      { type: "state_changed", at, actor: STAFF, data: { transition: "respond", from: "investigating", to: "responded", proposedRemedy: "Refund of 120 CNY" } },
      { type: "public_reply", at, actor: STAFF, data: { text: "We refunded the double charge." } },
    ]);
  });

  it.each(WAITING_RETURN_STATES)("waiting entered from %s returns there on the customer's reply", (origin) => {
    const waiting = complaintIn("waiting_on_customer", origin);
    expect(waiting.stateBeforeWaiting).toBe(origin);
    const result = applyComplaintTransition(waiting, { to: origin, actor: CUSTOMER, payload: { message: "Here you go" } }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint.state).toBe(origin);
    expect(result.complaint.stateBeforeWaiting).toBeNull();
    expect(result.events.map((e) => e.type)).toEqual(["state_changed", "public_reply"]);
  });

  it("waiting cannot jump to a different state than the one it came from", () => {
    const waiting = complaintIn("waiting_on_customer", "investigating");
    const result = applyComplaintTransition(waiting, { to: "responded", actor: STAFF, payload: VALID_PAYLOADS.respond }, at);
    expect(result).toMatchObject({ ok: false, reason: "illegal_transition" });
  });

  it("the customer accepting the remedy closes as accepted and meets resolution", () => {
    const result = applyComplaintTransition(complaintIn("responded"), { to: "closed", actor: CUSTOMER, payload: { comment: "Thanks" } }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint).toMatchObject({ state: "closed", closedAt: at, resolution: { outcome: "accepted" } });
    expect(result.events[1]).toMatchObject({ type: "public_reply", actor: CUSTOMER, data: { text: "Thanks" } });
  });

  it("the customer rejecting the remedy reopens the investigation with the reason recorded", () => {
    const result = applyComplaintTransition(complaintIn("responded"), { to: "investigating", actor: CUSTOMER, payload: { reason: "Not enough" } }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint.state).toBe("investigating");
    expect(result.events).toEqual([
      { type: "state_changed", at, actor: CUSTOMER, data: { transition: "reject_remedy", from: "responded", to: "investigating", reason: "Not enough" } },
    ]);
  });

  it("staff revising a response keeps the reason internal", () => {
    const result = applyComplaintTransition(complaintIn("responded"), { to: "investigating", actor: STAFF, payload: { reason: "Wrong amount" } }, at);
    expect(result.ok && result.events.map((e) => e.type)).toEqual(["state_changed", "note"]);
  });

  it("staff close with disagreement records the customer's position and alternatives", () => {
    const resolution = {
      outcome: "closed_with_disagreement",
      customerDisagreement: "I still think I deserve a full refund.",
      alternativesOffered: "You may contact the consumer association (12315).",
    };
    const result = applyComplaintTransition(complaintIn("responded"), { to: "closed", actor: STAFF, payload: { resolution, publicReply: "Our final decision…" } }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint.resolution).toEqual(resolution);
    expect(result.complaint.staffPublicReplyCount).toBe(2);
    expect(result.events[0]).toMatchObject({ data: { transition: "close", resolution } });
  });

  it("reopen clears the resolution, counts the reopen and keeps the first-response time", () => {
    const closed = complaintIn("closed");
    const result = applyComplaintTransition(closed, { to: "reopened", actor: CUSTOMER, payload: { reason: "Charged again" } }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint).toMatchObject({ state: "reopened", closedAt: null, resolution: null, reopenCount: 1 });
    expect(result.complaint.firstRespondedAt).toEqual(closed.firstRespondedAt);
    expect(result.events[0]).toMatchObject({ data: { transition: "reopen", reason: "Charged again" } });
  });

  it("a customer message in an open state changes nothing but the timeline", () => {
    const complaint = complaintIn("investigating");
    const result = applyComplaintTransition(complaint, { to: "investigating", actor: CUSTOMER, payload: { message: "Any news?" } }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint).toEqual(complaint);
    expect(result.events).toEqual([{ type: "public_reply", at, actor: CUSTOMER, data: { text: "Any news?" } }]);
  });

  it("the state history grows by one entry per state change", () => {
    const complaint = complaintIn("responded");
    expect(complaint.stateHistory.map((entry) => entry.state)).toEqual(["received", "acknowledged", "assessed", "investigating", "responded"]);
  });

  it("event times never run backwards even if the caller's clock does", () => {
    const complaint = complaintIn("received");
    const earlier = new Date(T0.getTime() - 60_000);
    const result = applyComplaintTransition(complaint, { to: "acknowledged", actor: SYSTEM }, earlier);
    expect(result.ok && result.events[0].at).toEqual(T0);
  });

  it("does not mutate its input", () => {
    const complaint = complaintIn("investigating");
    const snapshot = structuredClone(complaint);
    applyComplaintTransition(complaint, { to: "responded", actor: STAFF, payload: VALID_PAYLOADS.respond }, at);
    expect(complaint).toEqual(snapshot);
  });

  it("names the allowed actors in a forbidden_actor message", () => {
    const result = applyComplaintTransition(complaintIn("acknowledged"), { to: "assessed", actor: CUSTOMER, payload: VALID_PAYLOADS.assess }, at);
    expect(result).toMatchObject({ ok: false, reason: "forbidden_actor" });
    expect(!result.ok && result.message).toContain("staff");
  });
});

describe("legalTransitions (for UIs)", () => {
  it.each<[ComplaintState, ComplaintActorKind, ComplaintTransitionName[]]>([
    ["received", "system", ["acknowledge"]],
    ["received", "customer", ["customer_reply"]],
    ["responded", "customer", ["customer_reply", "accept_remedy", "reject_remedy"]],
    ["responded", "staff", ["request_information", "revise_response", "close", "close_as_duplicate"]],
    ["closed", "staff", ["reopen"]],
    ["closed", "system", []],
    ["reopened", "staff", ["assess", "start_investigation", "close_as_duplicate"]],
  ])("%s for %s", (state, actor, names) => {
    expect(legalTransitions(state, actor).map((option) => option.name)).toEqual(names);
  });

  it("resolves where leaving waiting goes when the previous state is known", () => {
    expect(legalTransitions("waiting_on_customer", "staff", "assessed")).toMatchObject([
      { name: "resume_from_waiting", to: "assessed" },
      { name: "close_as_duplicate", to: "closed", namedOnly: true },
    ]);
    expect(legalTransitions("waiting_on_customer", "customer")).toMatchObject([{ name: "customer_reply_while_waiting", to: null }]);
  });

  it("agrees with the engine: every listed option succeeds with a valid payload", () => {
    for (const situation of SITUATIONS) {
      const complaint = complaintIn(situation.state, situation.waitingFrom ?? undefined);
      for (const actor of COMPLAINT_ACTOR_KINDS) {
        for (const option of legalTransitions(complaint.state, actor, complaint.stateBeforeWaiting)) {
          expect(option.to).not.toBeNull();
          const result = applyComplaintTransition(
            complaint,
            { to: option.to!, transition: option.namedOnly ? option.name : undefined, actor: ACTORS[actor], payload: VALID_PAYLOADS[option.name] },
            minutesAfter(T0, 60),
          );
          expect(result.ok && result.transition).toBe(option.name);
        }
      }
    }
  });
});

describe("openComplaint and events", () => {
  it("records a received complaint with a received event", () => {
    const { complaint, events } = openComplaint(
      {
        id: "c9",
        organizationId: "org_1",
        reference: "FL-2026-000009",
        subject: "快递太慢",
        source: "survey_trigger",
        sourceResponseId: "resp_1",
        severity: "high",
        priority: "high",
        segment: { region: "east", tier: "vip" },
        triggerRuleIds: ["rule_low_sat"],
      },
      SYSTEM,
      T0,
    );
    expect(complaint).toMatchObject({ state: "received", severity: 3, priority: "high", receivedAt: T0, stateHistory: [{ state: "received", at: T0 }] });
    expect(events).toEqual([{ type: "received", at: T0, actor: SYSTEM, data: { source: "survey_trigger", triggerRuleIds: ["rule_low_sat"] } }]);
  });

  it("the record survives a JSON round trip through the complaint schema", () => {
    const complaint = complaintIn("waiting_on_customer", "responded");
    expect(ComplaintSchema.parse(JSON.parse(JSON.stringify(complaint)))).toEqual(complaint);
  });

  it("events survive a JSON round trip through the event schema", () => {
    let complaint = complaintIn("responded");
    const closed = applyComplaintTransition(
      complaint,
      { to: "closed", actor: STAFF, payload: { resolution: { outcome: "closed_with_disagreement", customerDisagreement: "No" } } },
      minutesAfter(T0, 30),
    );
    expect(closed.ok).toBe(true);
    if (!closed.ok) return;
    complaint = closed.complaint;
    for (const event of closed.events) {
      const parsed = ComplaintTimelineEventSchema.parse(JSON.parse(JSON.stringify(event)));
      expect(parsed).toEqual(event);
    }
  });
});
