import { describe, expect, it } from "vitest";
import {
  ComplaintRoutingConfigSchema,
  type ComplaintRoutingConfigInput,
  leastOpenLoadAssignee,
  nextRoundRobinAssignee,
  routeComplaint,
  routeOnSuggestion,
  type RoutingSubject,
  type TeamMember,
  type TeamMemberLoad,
} from "../../../src/domain/complaints";

const CONFIG = ComplaintRoutingConfigSchema.parse({
  defaultTeamId: "general",
  rules: [
    { id: "disabled", enabled: false, conditions: [], teamId: "nobody" },
    { id: "safety", conditions: [{ field: "severity", op: "gte", value: 4 }], teamId: "safety" },
    { id: "vip", conditions: [{ field: "segment.tier", op: "equals", value: "vip" }, { field: "priority", op: "in", value: ["high", "urgent"] }], teamId: "vip_desk" },
    { id: "refund_keywords", conditions: [{ field: "text", op: "containsAny", value: ["退款", "退钱", "refund", "chargeback"] }], teamId: "billing" },
    { id: "billing_category", conditions: [{ field: "category", op: "equals", value: "billing" }], teamId: "billing" },
    {
      id: "logistics",
      match: "any",
      conditions: [
        { field: "category", op: "equals", value: "delivery" },
        { field: "touchpoint", op: "in", value: ["courier", "warehouse"] },
        { field: "text", op: "containsAny", value: ["快递", "物流", "delivery"] },
      ],
      teamId: "logistics",
    },
    { id: "north_region", conditions: [{ field: "segment.region", op: "equals", value: "north" }], teamId: "north" },
  ],
} satisfies ComplaintRoutingConfigInput);

const base: RoutingSubject = {
  category: null,
  touchpoint: null,
  severity: null,
  priority: "normal",
  source: "complaint_form",
  segment: {},
  subject: "Problem",
  description: "",
};

describe("routeComplaint", () => {
  it.each<[string, Partial<RoutingSubject>, string, string | null]>([
    ["nothing matches → default team", {}, "general", null],
    ["severity 4 goes to safety", { severity: 4 }, "safety", "safety"],
    ["severity 3 does not", { severity: 3 }, "general", null],
    ["first match wins: critical billing complaint is safety, not billing", { severity: 4, category: "billing" }, "safety", "safety"],
    ["all-conditions rule needs every condition (vip but normal priority)", { segment: { tier: "vip" } }, "general", null],
    ["vip and high priority", { segment: { tier: "vip" }, priority: "high" }, "vip_desk", "vip"],
    ["Chinese keyword inside unsegmented text", { description: "我要退款，已经等了两周" }, "billing", "refund_keywords"],
    ["Chinese keyword in the subject", { subject: "快递丢了" }, "logistics", "logistics"],
    ["English keyword, any case", { subject: "REFUND please" }, "billing", "refund_keywords"],
    ["full-width Latin keyword", { description: "ＲＥＦＵＮＤ" }, "billing", "refund_keywords"],
    ["keywords are substrings", { description: "I was never refunded" }, "billing", "refund_keywords"],
    ["category rule", { category: "billing" }, "billing", "billing_category"],
    ["any-conditions rule: touchpoint alone suffices", { touchpoint: "warehouse" }, "logistics", "logistics"],
    ["segment attribute (hidden field)", { segment: { region: "north" } }, "north", "north_region"],
    ["segment value is case-sensitive", { segment: { region: "North" } }, "general", null],
    ["earlier keyword rule beats later region rule", { segment: { region: "north" }, description: "退钱" }, "billing", "refund_keywords"],
  ])("%s", (_label, overrides, teamId, ruleId) => {
    expect(routeComplaint(CONFIG, { ...base, ...overrides })).toEqual({ teamId, ruleId });
  });

  it("routes on the suggested category only while nobody has classified the complaint", () => {
    const config = ComplaintRoutingConfigSchema.parse({
      defaultTeamId: "general",
      rules: [
        {
          id: "suggested_delivery",
          conditions: [
            { field: "category", op: "answered", value: false },
            { field: "suggestedCategory", op: "equals", value: "delivery" },
          ],
          teamId: "logistics",
        },
      ],
    });
    expect(routeComplaint(config, { ...base, suggestedCategory: "delivery" })).toEqual({ teamId: "logistics", ruleId: "suggested_delivery" });
    // Not scored yet, another suggestion, or a category staff chose: the rule does not apply.
    expect(routeComplaint(config, base)).toEqual({ teamId: "general", ruleId: null });
    expect(routeComplaint(config, { ...base, suggestedCategory: "billing" })).toEqual({ teamId: "general", ruleId: null });
    expect(routeComplaint(config, { ...base, category: "billing", suggestedCategory: "delivery" })).toEqual({ teamId: "general", ruleId: null });
  });

  it("routes again when the suggestion arrives, unless a person decided or the team stays the same", () => {
    const config = ComplaintRoutingConfigSchema.parse({
      defaultTeamId: "general",
      rules: [{ id: "suggested_delivery", conditions: [{ field: "suggestedCategory", op: "equals", value: "delivery" }], teamId: "logistics" }],
    });
    const atIntake = { ...base, teamId: "general" };
    expect(routeOnSuggestion(config, { ...atIntake, suggestedCategory: "delivery" }, false)).toEqual({ teamId: "logistics", ruleId: "suggested_delivery" });
    // A person set the owner or the category: their choice stands.
    expect(routeOnSuggestion(config, { ...atIntake, suggestedCategory: "delivery" }, true)).toBeNull();
    // The rules keep the team it has, or there is no suggestion: nothing moves.
    expect(routeOnSuggestion(config, { ...atIntake, suggestedCategory: "billing" }, false)).toBeNull();
    expect(routeOnSuggestion(config, { ...atIntake, suggestedCategory: null }, false)).toBeNull();
    expect(routeOnSuggestion(config, { ...atIntake, teamId: "logistics", suggestedCategory: "delivery" }, false)).toBeNull();
  });

  it("an `all` rule without conditions is a catch-all", () => {
    const config = ComplaintRoutingConfigSchema.parse({ defaultTeamId: "general", rules: [{ id: "everything", teamId: "triage" }] });
    expect(routeComplaint(config, base)).toEqual({ teamId: "triage", ruleId: "everything" });
  });

  it.each<[string, unknown]>([
    ["an unknown field", { defaultTeamId: "g", rules: [{ id: "r", conditions: [{ field: "mood", op: "equals", value: "sad" }], teamId: "t" }] }],
    ["answers.* (trigger-only field)", { defaultTeamId: "g", rules: [{ id: "r", conditions: [{ field: "answers.q1", op: "equals", value: 1 }], teamId: "t" }] }],
    ["an unknown operator", { defaultTeamId: "g", rules: [{ id: "r", conditions: [{ field: "category", op: "like", value: "b%" }], teamId: "t" }] }],
    ["gt with a string", { defaultTeamId: "g", rules: [{ id: "r", conditions: [{ field: "severity", op: "gt", value: "2" }], teamId: "t" }] }],
    ["empty keyword list", { defaultTeamId: "g", rules: [{ id: "r", conditions: [{ field: "text", op: "containsAny", value: [] }], teamId: "t" }] }],
    ["duplicate rule ids", { defaultTeamId: "g", rules: [{ id: "r", teamId: "a" }, { id: "r", teamId: "b" }] }],
    ["no default team", { rules: [] }],
  ])("rejects %s", (_label, input) => {
    expect(ComplaintRoutingConfigSchema.safeParse(input).success).toBe(false);
  });
});

describe("round robin", () => {
  const members: TeamMember[] = [
    { id: "carol", active: true },
    { id: "alice", active: true },
    { id: "bob", active: false },
    { id: "dave", active: true },
  ];

  it("cycles through active members in id order and wraps around", () => {
    let cursor: string | null = null;
    const picks: (string | null)[] = [];
    for (let index = 0; index < 7; index++) {
      const result = nextRoundRobinAssignee(members, cursor);
      picks.push(result.assigneeId);
      cursor = result.cursor;
    }
    expect(picks).toEqual(["alice", "carol", "dave", "alice", "carol", "dave", "alice"]);
  });

  it.each<[string, TeamMember[], string | null, { assigneeId: string | null; cursor: string | null }]>([
    ["skips an inactive next member", members, "alice", { assigneeId: "carol", cursor: "carol" }],
    ["continues after a cursor whose member left the team", members, "bert", { assigneeId: "carol", cursor: "carol" }],
    ["wraps from the last id", members, "dave", { assigneeId: "alice", cursor: "alice" }],
    ["returns null and keeps the cursor when nobody is active", [{ id: "x", active: false }], "x", { assigneeId: null, cursor: "x" }],
    ["handles an empty team", [], null, { assigneeId: null, cursor: null }],
    ["a single active member gets everything", [{ id: "solo", active: true }], "solo", { assigneeId: "solo", cursor: "solo" }],
  ])("%s", (_label, team, cursor, expected) => {
    expect(nextRoundRobinAssignee(team, cursor)).toEqual(expected);
  });
});

describe("least open load", () => {
  const at = (iso: string) => new Date(iso);
  it.each<[string, TeamMemberLoad[], string | null]>([
    [
      "fewest open complaints",
      [
        { id: "a", active: true, openCount: 5, lastAssignedAt: null },
        { id: "b", active: true, openCount: 2, lastAssignedAt: at("2026-03-02T10:00:00Z") },
      ],
      "b",
    ],
    [
      "inactive members are skipped even with zero load",
      [
        { id: "a", active: false, openCount: 0, lastAssignedAt: null },
        { id: "b", active: true, openCount: 3, lastAssignedAt: null },
      ],
      "b",
    ],
    [
      "tie → assigned longest ago",
      [
        { id: "a", active: true, openCount: 2, lastAssignedAt: at("2026-03-02T10:00:00Z") },
        { id: "b", active: true, openCount: 2, lastAssignedAt: at("2026-03-02T09:00:00Z") },
      ],
      "b",
    ],
    [
      "tie → never assigned first",
      [
        { id: "a", active: true, openCount: 2, lastAssignedAt: at("2026-03-02T09:00:00Z") },
        { id: "z", active: true, openCount: 2, lastAssignedAt: null },
      ],
      "z",
    ],
    [
      "full tie → smallest id, regardless of input order",
      [
        { id: "m", active: true, openCount: 1, lastAssignedAt: null },
        { id: "c", active: true, openCount: 1, lastAssignedAt: null },
      ],
      "c",
    ],
    ["nobody active", [{ id: "a", active: false, openCount: 0, lastAssignedAt: null }], null],
  ])("%s", (_label, team, expected) => {
    expect(leastOpenLoadAssignee(team)).toBe(expected);
  });
});
