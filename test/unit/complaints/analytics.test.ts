import { describe, expect, it } from "vitest";
import {
  type ComplaintAnalyticsRecord,
  complaintHandlingTimes,
  complaintVolumeByPeriod,
  complaintVolumeFromDayCounts,
  defaultBusinessCalendar,
  detectComplaintVolumeAnomalies,
  firstContactResolutionRate,
  handlingSatisfaction,
  periodStartLocalDate,
  quantile,
  reopenRate,
  slaCompliance,
  volumeAnomaliesFromWindowCounts,
} from "../../../src/domain/complaints";

const utc = (iso: string) => new Date(iso);
const minutes = (base: Date, count: number) => new Date(base.getTime() + count * 60_000);

let sequence = 0;
function record(overrides: Partial<ComplaintAnalyticsRecord> = {}): ComplaintAnalyticsRecord {
  return {
    id: `c${++sequence}`,
    state: "received",
    category: "billing",
    touchpoint: null,
    segment: {},
    receivedAt: utc("2026-03-02T08:00:00Z"),
    acknowledgedAt: null,
    firstRespondedAt: null,
    closedAt: null,
    reopenCount: 0,
    staffPublicReplyCount: 0,
    ...overrides,
  };
}

describe("quantile (type 7, linear interpolation)", () => {
  it.each<[number[], number, number | null]>([
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.9, 3.7],
    [[4, 1, 3, 2], 0.9, 3.7],
    [[15, 20, 35, 40, 50], 0.9, 46],
    [[15, 20, 35, 40, 50], 0.5, 35],
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 1, 4],
    [[7], 0.9, 7],
    [[], 0.5, null],
  ])("quantile(%j, %f) = %s", (values, p, expected) => {
    const result = quantile(values, p);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toBeCloseTo(expected, 10);
  });

  it("rejects p outside [0, 1]", () => {
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });
});

describe("volume by period in the organisation's time zone", () => {
  const records = [
    record({ receivedAt: utc("2026-03-01T23:30:00Z"), category: "billing", segment: { region: "east" } }), // Shanghai Mon 03-02 07:30
    record({ receivedAt: utc("2026-03-01T10:00:00Z"), category: "billing", segment: { region: "east" } }), // Shanghai Sun 03-01 18:00
    record({ receivedAt: utc("2026-02-28T17:00:00Z"), category: "delivery", touchpoint: "courier" }), // Shanghai Sun 03-01 01:00 (UTC: February)
    record({ receivedAt: utc("2026-03-04T02:00:00Z"), category: null, segment: { region: "north" } }),
  ];

  it("buckets by local day", () => {
    expect(complaintVolumeByPeriod(records, { dimension: "category", granularity: "day", timeZone: "Asia/Shanghai" })).toEqual([
      { period: "2026-03-01", key: "billing", count: 1 },
      { period: "2026-03-01", key: "delivery", count: 1 },
      { period: "2026-03-02", key: "billing", count: 1 },
      { period: "2026-03-04", key: "(none)", count: 1 },
    ]);
  });

  it("buckets by ISO week starting Monday", () => {
    expect(complaintVolumeByPeriod(records, { dimension: "category", granularity: "week", timeZone: "Asia/Shanghai" })).toEqual([
      { period: "2026-02-23", key: "billing", count: 1 },
      { period: "2026-02-23", key: "delivery", count: 1 },
      { period: "2026-03-02", key: "(none)", count: 1 },
      { period: "2026-03-02", key: "billing", count: 1 },
    ]);
  });

  it("buckets by month: the same instants fall in different months in UTC and Shanghai", () => {
    expect(complaintVolumeByPeriod(records, { dimension: "touchpoint", granularity: "month", timeZone: "Asia/Shanghai" })).toEqual([
      { period: "2026-03-01", key: "(none)", count: 3 },
      { period: "2026-03-01", key: "courier", count: 1 },
    ]);
    expect(complaintVolumeByPeriod(records, { dimension: "touchpoint", granularity: "month", timeZone: "UTC" })).toEqual([
      { period: "2026-02-01", key: "courier", count: 1 },
      { period: "2026-03-01", key: "(none)", count: 3 },
    ]);
  });

  it("groups by a segment attribute", () => {
    expect(complaintVolumeByPeriod(records, { dimension: "segment.region", granularity: "month", timeZone: "Asia/Shanghai" })).toEqual([
      { period: "2026-03-01", key: "(none)", count: 1 },
      { period: "2026-03-01", key: "east", count: 2 },
      { period: "2026-03-01", key: "north", count: 1 },
    ]);
  });

  it("period starts respect DST zones too", () => {
    expect(periodStartLocalDate(utc("2026-03-29T22:30:00Z"), "week", "Europe/Berlin")).toBe("2026-03-30");
    expect(periodStartLocalDate(utc("2026-03-29T21:30:00Z"), "week", "Europe/Berlin")).toBe("2026-03-23");
  });
});

describe("handling times", () => {
  const received = utc("2026-03-02T08:00:00Z");
  const records = [
    record({ receivedAt: received, acknowledgedAt: minutes(received, 30), firstRespondedAt: minutes(received, 120), closedAt: minutes(received, 600) }),
    record({ receivedAt: received, acknowledgedAt: minutes(received, 60), closedAt: minutes(received, 1200) }),
    record({ receivedAt: received }),
  ];

  it("summarises elapsed minutes with median and p90", () => {
    expect(complaintHandlingTimes(records)).toEqual({
      acknowledge: { count: 2, meanMinutes: 45, medianMinutes: 45, p90Minutes: 57 },
      first_response: { count: 1, meanMinutes: 120, medianMinutes: 120, p90Minutes: 120 },
      resolution: { count: 2, meanMinutes: 900, medianMinutes: 900, p90Minutes: 1140 },
    });
  });

  it("can measure in business minutes", () => {
    const fridayEvening = utc("2026-03-06T16:00:00Z"); // 17:00 Berlin
    const weekend = [record({ receivedAt: fridayEvening, acknowledgedAt: utc("2026-03-09T09:00:00Z") })];
    expect(complaintHandlingTimes(weekend).acknowledge.medianMinutes).toBe(3900);
    expect(complaintHandlingTimes(weekend, { calendar: defaultBusinessCalendar("Europe/Berlin") }).acknowledge.medianMinutes).toBe(120);
  });
});

describe("SLA compliance, reopen rate, first-contact resolution", () => {
  const at = utc("2026-03-02T09:00:00Z");

  it("counts met-on-time over decided milestones; running ones are left out", () => {
    const records = [
      record({ sla: { acknowledge: { metAt: at, breached: false }, resolution: { metAt: at, breached: false } } }),
      record({ sla: { acknowledge: { metAt: at, breached: true }, resolution: { metAt: null, breached: false } } }),
      record({ sla: { acknowledge: { metAt: null, breached: true } } }),
      record({ sla: { acknowledge: { metAt: null, breached: false } } }),
      record(),
    ];
    expect(slaCompliance(records)).toEqual({
      acknowledge: { numerator: 1, denominator: 3, rate: 1 / 3 },
      first_response: { numerator: 0, denominator: 0, rate: null },
      resolution: { numerator: 1, denominator: 1, rate: 1 },
    });
  });

  it("reopen rate is reopened over ever-closed", () => {
    const records = [
      record({ state: "closed", closedAt: at }),
      record({ state: "closed", closedAt: at, reopenCount: 1 }),
      record({ state: "investigating", reopenCount: 1 }),
      record({ state: "investigating" }),
    ];
    expect(reopenRate(records)).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 });
  });

  it("first-contact resolution: closed, never reopened, exactly one staff reply", () => {
    const records = [
      record({ state: "closed", closedAt: at, staffPublicReplyCount: 1 }),
      record({ state: "closed", closedAt: at, staffPublicReplyCount: 2 }),
      record({ state: "closed", closedAt: at, staffPublicReplyCount: 1, reopenCount: 1 }),
      record({ state: "responded", staffPublicReplyCount: 1 }),
    ];
    expect(firstContactResolutionRate(records)).toEqual({ numerator: 1, denominator: 3, rate: 1 / 3 });
  });

  it("rates are null, not NaN, without data", () => {
    expect(reopenRate([]).rate).toBeNull();
    expect(firstContactResolutionRate([]).rate).toBeNull();
  });
});

describe("satisfaction with complaint handling", () => {
  const t = (day: number) => utc(`2026-03-${String(day).padStart(2, "0")}T10:00:00Z`);
  it("computes CSAT, CES and recovery on the latest result per complaint", () => {
    const summary = handlingSatisfaction([
      { complaintId: "c1", respondedAt: t(2), csat: 5, ces: 6, resolved: true },
      { complaintId: "c2", respondedAt: t(2), csat: 2, ces: 3, resolved: false, laterSatisfaction: 4 },
      { complaintId: "c3", respondedAt: t(1), csat: 1, resolved: false },
      { complaintId: "c3", respondedAt: t(5), csat: 4 },
      { complaintId: "c4", respondedAt: t(3), resolved: null, laterSatisfaction: null },
      { complaintId: "c5", respondedAt: t(3), resolved: false, laterSatisfaction: 3, ces: 9 },
    ]);
    expect(summary.csat).toEqual({ n: 3, mean: 11 / 3, top2Share: 2 / 3 });
    expect(summary.ces).toEqual({ n: 2, mean: 4.5, agreeShare: 0.5 });
    expect(summary.recovery).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 });
  });

  it("is empty-safe", () => {
    expect(handlingSatisfaction([])).toEqual({
      csat: { n: 0, mean: null, top2Share: null },
      ces: { n: 0, mean: null, agreeShare: null },
      recovery: { numerator: 0, denominator: 0, rate: null },
    });
  });
});

describe("volume anomaly alert", () => {
  const now = utc("2026-03-30T00:00:00Z");
  const DAY = 86_400_000;
  const WEEK = 7 * DAY;

  /** `baseline` oldest first (8 weeks), then `current` in the last 7 days. */
  function series(category: string, baseline: number[], current: number) {
    const rows: Pick<ComplaintAnalyticsRecord, "category" | "receivedAt">[] = [];
    baseline.forEach((count, index) => {
      const weeksBack = baseline.length - index;
      for (let n = 0; n < count; n++) rows.push({ category, receivedAt: new Date(now.getTime() - weeksBack * WEEK - DAY) });
    });
    for (let n = 0; n < current; n++) rows.push({ category, receivedAt: new Date(now.getTime() - 3_600_000) });
    return rows;
  }

  it.each<[string, number[], number, boolean]>([
    ["spike above mean + 3·sd", [2, 3, 2, 4, 3, 2, 3, 3], 12, true],
    ["normal variation", [2, 3, 2, 4, 3, 2, 3, 3], 7, false],
    ["empty baseline: the minimum count decides (5 alerts)", [0, 0, 0, 0, 0, 0, 0, 0], 5, true],
    ["empty baseline: 4 is below the minimum", [0, 0, 0, 0, 0, 0, 0, 0], 4, false],
    ["flat baseline uses the Poisson floor √mean (2 + 3·√2 ≈ 6.24)", [2, 2, 2, 2, 2, 2, 2, 2], 6, false],
    ["flat baseline, clearly above the floor", [2, 2, 2, 2, 2, 2, 2, 2], 7, true],
    ["high but noisy baseline", [10, 30, 5, 25, 12, 40, 8, 20], 45, false],
  ])("%s", (_label, baseline, current, alert) => {
    const [result] = detectComplaintVolumeAnomalies(series("billing", baseline, current), now);
    expect(result.currentCount).toBe(current);
    expect(result.baselineCounts).toEqual(baseline);
    expect(result.alert).toBe(alert);
  });

  it("reports the statistics it used", () => {
    const [result] = detectComplaintVolumeAnomalies(series("billing", [2, 3, 2, 4, 3, 2, 3, 3], 12), now);
    expect(result.baselineMean).toBeCloseTo(2.75, 10);
    expect(result.baselineSd).toBeCloseTo(Math.sqrt(0.5), 10);
    expect(result.threshold).toBeCloseTo(2.75 + 3 * Math.sqrt(2.75), 10);
  });

  it("evaluates each category separately, sorted by name", () => {
    const results = detectComplaintVolumeAnomalies([...series("delivery", [1, 1, 1, 1, 1, 1, 1, 1], 9), ...series("billing", [5, 5, 5, 5, 5, 5, 5, 5], 9)], now);
    expect(results.map((r) => [r.category, r.alert])).toEqual([
      ["billing", false],
      ["delivery", true],
    ]);
  });

  it("windows are (start, end]: exactly 7 days ago belongs to the previous week; older than 9 weeks is ignored", () => {
    const rows = [
      { category: "x", receivedAt: new Date(now.getTime() - WEEK) },
      { category: "x", receivedAt: now },
      { category: "x", receivedAt: new Date(now.getTime() - 9 * WEEK) },
      { category: "x", receivedAt: new Date(now.getTime() + 1) },
    ];
    const [result] = detectComplaintVolumeAnomalies(rows, now);
    expect(result.currentCount).toBe(1);
    expect(result.baselineCounts).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it("options change the rule", () => {
    const [result] = detectComplaintVolumeAnomalies(series("billing", [0, 0, 0, 0, 0, 0, 0, 0], 3), now, { minimumCount: 3 });
    expect(result.alert).toBe(true);
  });
});

describe("volumes and anomalies from counts grouped in SQL", () => {
  const records = [
    record({ receivedAt: utc("2026-03-01T23:30:00Z"), category: "billing", segment: { region: "east", vip: true } }),
    record({ receivedAt: utc("2026-03-01T10:00:00Z"), category: "billing", segment: { region: "east", vip: false } }),
    record({ receivedAt: utc("2026-02-28T17:00:00Z"), category: "", touchpoint: "courier", segment: { region: 3 } }),
    record({ receivedAt: utc("2026-03-04T02:00:00Z"), category: null, segment: { region: "" } }),
    record({ receivedAt: utc("2026-03-09T02:00:00Z"), category: "delivery", segment: {} }),
  ];
  const TZ = "Asia/Shanghai";

  for (const granularity of ["day", "week", "month"] as const) {
    for (const dimension of ["category", "segment.region", "segment.vip"] as const) {
      it(`equals the per-record count (${granularity}, ${dimension})`, () => {
        // One count per civil day and raw value, as GROUP BY received_local_date, value returns them.
        const grouped = new Map<string, { localDate: string; value: unknown; count: number }>();
        for (const r of records) {
          const value = dimension === "category" ? r.category : r.segment[dimension.slice("segment.".length)];
          const localDate = periodStartLocalDate(r.receivedAt, "day", TZ);
          const key = `${localDate}|${JSON.stringify(value ?? null)}`;
          const entry = grouped.get(key);
          if (entry) entry.count++;
          else grouped.set(key, { localDate, value, count: 1 });
        }
        expect(complaintVolumeFromDayCounts([...grouped.values()], granularity)).toEqual(complaintVolumeByPeriod(records, { dimension, granularity, timeZone: TZ }));
      });
    }
  }

  it("anomalies from window counts equal the per-record rule", () => {
    const now = utc("2026-03-10T00:00:00Z");
    const many = [
      ...Array.from({ length: 7 }, (_, i) => record({ category: "billing", receivedAt: new Date(now.getTime() - (i + 1) * 3_600_000) })),
      ...Array.from({ length: 9 }, (_, i) => record({ category: i % 2 ? "delivery" : null, receivedAt: new Date(now.getTime() - i * 7 * 86_400_000 - 1) })),
    ];
    const counts = new Map<string, number[]>();
    for (const r of many) {
      const back = Math.floor((now.getTime() - r.receivedAt.getTime()) / (7 * 86_400_000));
      if (back > 8) continue;
      const key = r.category ?? "(none)";
      const windows = counts.get(key) ?? new Array<number>(9).fill(0);
      windows[back]!++;
      counts.set(key, windows);
    }
    expect(volumeAnomaliesFromWindowCounts(counts)).toEqual(detectComplaintVolumeAnomalies(many, now));
  });
});
