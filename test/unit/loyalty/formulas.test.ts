import { describe, expect, it } from "vitest";
import {
  addLoyaltyRow,
  computeCodedAnswers,
  computeDelight,
  computeLoyaltyComposite,
  computeSatisfactionLoyaltyChart,
  createEmptyLoyaltyStats,
  decodeLoyaltyStats,
  encodeLoyaltyStats,
  loyaltyVectorLength,
  mergeLoyaltyStats,
  satisfactionLevelOf,
  statusCoverage,
  sumGroups,
  type LoyaltyModelItems,
  type LoyaltyRow,
  type LoyaltyStatsSpec,
  type StatusGroupKey,
} from "../../../src/domain/loyalty";

const attraction = { id: "a1", min: 1, max: 5 };
const satisfaction = { id: "s1", min: 1, max: 10 };
const willingness = { id: "w1", min: 1, max: 5 };
const panel = { id: "p", min: 0, max: 1 };
const repurchase = { id: "rep", min: 1, max: 10 };
const recommend = { id: "rec", min: 0, max: 10 };
const pairItems = ["e1", "p1", "e2", "p2"].map((id) => ({ id, min: 1, max: 7 }));

const spec: LoyaltyStatsSpec = {
  items: [attraction, satisfaction, willingness, panel, repurchase, recommend, ...pairItems],
  satisfaction: { ...satisfaction, banded: true },
  intentItems: [repurchase, recommend],
  pairs: [
    { key: "reliability", expectationItemId: "e1", perceptionItemId: "p1" },
    { key: "staff", expectationItemId: "e2", perceptionItemId: "p2" },
  ],
  choices: [{ id: "why", optionIds: ["price", "quality", "service"] }],
};
const modelItems: LoyaltyModelItems = { satisfactionItems: [satisfaction], attractionItems: [attraction], willingnessItems: [willingness], panelOptInItems: [panel] };

function row(values: LoyaltyRow["values"], extra: Partial<LoyaltyRow> = {}): LoyaltyRow {
  return { values, status: "unspecified", openOffered: false, openAnswered: false, ...extra };
}

function statsOf(rows: LoyaltyRow[]) {
  const stats = createEmptyLoyaltyStats();
  for (const r of rows) addLoyaltyRow(stats, spec, r);
  return stats;
}

describe("loyalty composite L = A × S × P (seeds digest C3)", () => {
  const rows = [
    row({ a1: 5, s1: 10, w1: 4, p: 1 }, { openOffered: true, openAnswered: true }),
    row({ a1: 3, s1: 7, w1: 2, p: 0 }, { openOffered: true }),
  ];
  const behaviour = { invitations: { sent: 4, completed: 2 }, complaints: { raised: 2, followedThrough: 1 } };

  it("multiplies hand-computed components and names the weakest", () => {
    const result = computeLoyaltyComposite(sumGroups(statsOf(rows)), modelItems, { behaviour });
    // A: mean 4 on 1-5 → 3/4. S: mean 8.5 on 1-10 → 7.5/9. P: five indicators, each 1/2.
    expect(result.components.attraction.value).toBeCloseTo(0.75, 12);
    expect(result.components.satisfaction).toMatchObject({ source: "item_means" });
    expect(result.components.satisfaction.value).toBeCloseTo(7.5 / 9, 12);
    const indicators = result.components.participation.indicators;
    expect(indicators.responseRate).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
    expect(indicators.openAnswers).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(indicators.panelOptIn).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(indicators.complaintFollowThrough).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(indicators.statedWillingness?.value).toBeCloseTo(0.5, 12);
    expect(result.components.participation.value).toBeCloseTo(0.5, 12);
    expect(result.value).toBeCloseTo(0.75 * (7.5 / 9) * 0.5, 12);
    expect(result.weakest).toBe("participation");
    expect(result.missing).toEqual([]);
    expect(result.n).toBe(2);
  });

  it("takes satisfaction from the index when one is given", () => {
    const result = computeLoyaltyComposite(sumGroups(statsOf(rows)), modelItems, { satisfactionIndex: 60, behaviour });
    expect(result.components.satisfaction).toMatchObject({ value: 0.6, source: "acsi_index" });
    expect(result.value).toBeCloseTo(0.75 * 0.6 * 0.5, 12);
  });

  it("is zero when one component is zero, and points at it", () => {
    const zero = statsOf([row({ a1: 1, s1: 9, w1: 5, p: 1 }), row({ a1: 1, s1: 10, w1: 4, p: 1 })]);
    const result = computeLoyaltyComposite(sumGroups(zero), modelItems);
    expect(result.components.attraction.value).toBe(0);
    expect(result.value).toBe(0);
    expect(result.weakest).toBe("attraction");
  });

  it("is null when a component has no answers, and averages only the participation indicators present", () => {
    const noAttraction = statsOf([row({ s1: 10, p: 1 }), row({ s1: 4, p: 0 })]);
    const result = computeLoyaltyComposite(sumGroups(noAttraction), modelItems);
    expect(result.value).toBeNull();
    expect(result.missing).toEqual(["attraction"]);
    expect(result.weakest).toBeNull();
    // No invitations, no open questions, no complaints, no willingness answers: P = panel opt-in only.
    expect(result.components.participation.indicators.responseRate).toBeNull();
    expect(result.components.participation.indicators.openAnswers).toBeNull();
    expect(result.components.participation.indicators.statedWillingness?.value).toBeNull();
    expect(result.components.participation.value).toBe(0.5);
  });

  it("works on a single respondent", () => {
    const one = statsOf([row({ a1: 4, s1: 10, w1: 5, p: 1 }, { openOffered: true, openAnswered: true })]);
    const result = computeLoyaltyComposite(sumGroups(one), modelItems);
    // A = 3/4, S = 1, P = mean(1, 1, 1) = 1.
    expect(result.value).toBeCloseTo(0.75, 12);
    expect(result.weakest).toBe("attraction");
  });

  it("is null with no respondents at all", () => {
    const result = computeLoyaltyComposite(sumGroups(createEmptyLoyaltyStats()), modelItems);
    expect(result).toMatchObject({ value: null, missing: ["attraction", "satisfaction", "participation"], n: 0 });
  });
});

describe("delight = expectation + 1 (C3) beside C = b/a (A5)", () => {
  const rows = [
    row({ e1: 5, p1: 6, e2: 6, p2: 6 }),
    row({ e1: 4, p1: 7, p2: 5 }),
    row({ e1: 6, p1: 5, e2: 3, p2: 5 }),
  ];

  it("counts delighted respondents per pair and overall, by hand", () => {
    const result = computeDelight(sumGroups(statsOf(rows)), spec.pairs);
    expect(result.pairs[0]).toMatchObject({ pairKey: "reliability", answered: 3, delighted: 2 });
    expect(result.pairs[0]!.share).toBeCloseTo(2 / 3, 12);
    expect(result.pairs[1]).toMatchObject({ pairKey: "staff", answered: 2, delighted: 1, share: 0.5 });
    // Overall: r1 means 6 vs 5.5 (no), r2 7 vs 4 (yes), r3 5 vs 4.5 (no).
    expect(result.overall).toMatchObject({ answered: 3, delighted: 1 });
    expect(result.overall.share).toBeCloseTo(1 / 3, 12);
    // C = b/a from the item means: pair 1 6/5; pair 2 (16/3)/4.5; overall (6 + 16/3)/2 ÷ (5 + 4.5)/2.
    expect(result.pairs[0]!.ratio).toBeCloseTo(1.2, 12);
    expect(result.pairs[1]!.ratio).toBeCloseTo(16 / 3 / 4.5, 12);
    expect(result.overall.ratio).toBeCloseTo(17 / 3 / 4.75, 12);
    expect(result.overall.verdict).toBe("exceeds");
  });

  it("a perception exactly one point above expectation is delight, equal is not", () => {
    const result = computeDelight(sumGroups(statsOf([row({ e1: 3, p1: 4 }), row({ e1: 3, p1: 3 })])), spec.pairs);
    expect(result.pairs[0]).toMatchObject({ answered: 2, delighted: 1 });
    expect(result.pairs[1]).toMatchObject({ answered: 0, delighted: 0, share: null, ratio: null });
  });

  it("single respondent", () => {
    const result = computeDelight(sumGroups(statsOf([row({ e1: 2, p1: 7 })])), spec.pairs);
    expect(result.overall).toMatchObject({ answered: 1, delighted: 1, share: 1 });
    expect(result.overall.interval95?.upper).toBe(1);
  });
});

describe("satisfaction–loyalty chart (A7)", () => {
  it("places 1-10 answers in five equal bands and a five-level item on itself", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => satisfactionLevelOf(x, satisfaction))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect([1, 2, 3, 4, 5].map((x) => satisfactionLevelOf(x, { id: "l", min: 1, max: 5 }))).toEqual([1, 2, 3, 4, 5]);
    expect(satisfactionLevelOf(11, satisfaction)).toBeNull();
    expect(satisfactionLevelOf(null, satisfaction)).toBeNull();
  });

  it("shares of high intent per level and per zone, by hand", () => {
    const stats = statsOf([
      row({ s1: 1, rep: 2 }),
      row({ s1: 4, rec: 9 }),
      row({ s1: 5, rep: 9 }),
      row({ s1: 6, rep: 8, rec: 10 }),
      row({ s1: 10 }),
      row({ s1: 9, rep: 10 }),
      row({ s1: 7, rep: 5, rec: 3 }),
      row({ rep: 10 }),
    ]);
    const chart = computeSatisfactionLoyaltyChart(sumGroups(stats));
    expect(chart.levels.map((l) => [l.level, l.zone, l.n, l.high, l.unanswered])).toEqual([
      [1, "hostility", 1, 0, 0],
      [2, "hostility", 1, 1, 0],
      [3, "indifference", 2, 2, 0],
      [4, "loyalty", 1, 0, 0],
      [5, "loyalty", 1, 1, 1],
    ]);
    expect(chart.zones.map((z) => [z.zone, z.n, z.high, z.share])).toEqual([
      ["hostility", 2, 1, 0.5],
      ["indifference", 2, 2, 1],
      ["loyalty", 2, 1, 0.5],
    ]);
    expect(chart.n).toBe(6);
  });

  it("empty levels have no share rather than 0 %", () => {
    const chart = computeSatisfactionLoyaltyChart(sumGroups(statsOf([row({ s1: 10, rec: 10 })])));
    expect(chart.levels[0]).toMatchObject({ n: 0, share: null, interval95: null });
    expect(chart.levels[4]).toMatchObject({ n: 1, high: 1, share: 1 });
  });
});

describe("stored loyalty statistics", () => {
  const statuses: StatusGroupKey[] = ["current", "former", "potential", "unspecified"];
  const rows = Array.from({ length: 40 }, (_, i) =>
    row(
      { a1: 1 + (i % 5), s1: 1 + ((i * 7) % 10), w1: i % 3 === 0 ? null : 1 + (i % 5), p: i % 2, rep: (i * 3) % 10 + 1, rec: i % 11, e1: 1 + (i % 7), p1: 1 + ((i * 5) % 7), e2: i % 4 === 0 ? null : 2, p2: 1 + (i % 7) },
      { status: statuses[i % 4]!, openOffered: i % 3 !== 1, openAnswered: i % 6 === 0, choices: i % 5 === 0 ? {} : { why: i % 2 ? ["price"] : ["quality", "service"] } },
    ),
  );

  it("merging buckets equals adding every row to one; encoding round-trips", () => {
    const whole = statsOf(rows);
    const merged = mergeLoyaltyStats([statsOf(rows.slice(0, 13)), statsOf(rows.slice(13, 14)), statsOf(rows.slice(14))]);
    expect(merged).toEqual(whole);
    const vector = encodeLoyaltyStats(whole, spec);
    expect(vector).toHaveLength(loyaltyVectorLength(spec));
    expect(decodeLoyaltyStats(vector, spec)).toEqual(whole);
  });

  it("removing a row (weight −1) restores the counts exactly", () => {
    const stats = statsOf(rows.slice(0, 10));
    addLoyaltyRow(stats, spec, rows[10]!);
    addLoyaltyRow(stats, spec, rows[10]!, -1);
    expect(encodeLoyaltyStats(stats, spec)).toEqual(encodeLoyaltyStats(statsOf(rows.slice(0, 10)), spec));
  });

  it("keeps each status apart", () => {
    const stats = statsOf(rows);
    expect(statuses.map((s) => stats.groups[s].rows)).toEqual([10, 10, 10, 10]);
    expect(sumGroups(stats).rows).toBe(40);
  });
});

describe("coded answers (C5: reasons for defection)", () => {
  it("counts respondents per option, multiple choices each, by hand", () => {
    const stats = statsOf([
      row({}, { choices: { why: ["price"] } }),
      row({}, { choices: { why: ["price", "service"] } }),
      row({}, { choices: { why: ["nonsense"] } }),
      row({}),
    ]);
    const [why] = computeCodedAnswers(sumGroups(stats), spec.choices);
    expect(why).toEqual({
      itemId: "why",
      answered: 3,
      options: [
        { optionId: "price", count: 2, share: 2 / 3 },
        { optionId: "quality", count: 0, share: 0 },
        { optionId: "service", count: 1, share: 1 / 3 },
      ],
    });
    expect(computeCodedAnswers(sumGroups(createEmptyLoyaltyStats()), spec.choices)[0]!.options[0]!.share).toBeNull();
  });
});

describe("former and potential customers (A13 pitfall 5)", () => {
  function withCounts(current: number, former: number, potential: number) {
    const stats = createEmptyLoyaltyStats();
    stats.groups.current.rows = current;
    stats.groups.former.rows = former;
    stats.groups.potential.rows = potential;
    return stats;
  }

  it("warns until former and potential customers each have enough responses", () => {
    expect(statusCoverage(withCounts(400, 0, 0)).warning?.groups).toEqual(["former", "potential"]);
    expect(statusCoverage(withCounts(400, 30, 29)).warning?.groups).toEqual(["potential"]);
    const covered = statusCoverage(withCounts(400, 30, 30));
    expect(covered).toMatchObject({ sufficient: true, warning: null, counts: { current: 400, former: 30, potential: 30 } });
    expect(statusCoverage(withCounts(1, 1, 1), 1).sufficient).toBe(true);
  });
});
