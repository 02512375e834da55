import { describe, expect, it } from "vitest";
import { lastDayOfMonth, planStatsRead, shiftMonth } from "../../../src/domain/analytics/stats-range";

describe("planStatsRead: whole months from month rows, edges from day rows", () => {
  it("knows month lengths and year boundaries", () => {
    expect(lastDayOfMonth("2024-02")).toBe("2024-02-29");
    expect(lastDayOfMonth("2025-02")).toBe("2025-02-28");
    expect(lastDayOfMonth("2025-12")).toBe("2025-12-31");
    expect(shiftMonth("2025-12", 1)).toBe("2026-01");
    expect(shiftMonth("2026-01", -1)).toBe("2025-12");
  });

  it("reads whole months only when the range is month-aligned or open", () => {
    expect(planStatsRead({}, true)).toEqual({ months: { from: undefined, to: undefined }, days: [] });
    expect(planStatsRead({ from: "2025-01-01", to: "2025-12-31" }, true)).toEqual({ months: { from: "2025-01", to: "2025-12" }, days: [] });
    expect(planStatsRead({ from: "2024-02-01", to: "2024-02-29" }, true)).toEqual({ months: { from: "2024-02", to: "2024-02" }, days: [] });
  });

  it("reads the partial months at the edges as days, and nothing twice", () => {
    expect(planStatsRead({ from: "2025-11-15", to: "2026-02-10" }, true)).toEqual({
      months: { from: "2025-12", to: "2026-01" },
      days: [
        { from: "2025-11-15", to: "2025-11-30" },
        { from: "2026-02-01", to: "2026-02-10" },
      ],
    });
    expect(planStatsRead({ from: "2025-03-02" }, true)).toEqual({ months: { from: "2025-04", to: undefined }, days: [{ from: "2025-03-02", to: "2025-03-31" }] });
    expect(planStatsRead({ to: "2025-03-30" }, true)).toEqual({ months: { from: undefined, to: "2025-02" }, days: [{ from: "2025-03-01", to: "2025-03-30" }] });
  });

  it("reads days only when no whole month lies inside, or when told to", () => {
    expect(planStatsRead({ from: "2025-03-05", to: "2025-03-20" }, true)).toEqual({ months: null, days: [{ from: "2025-03-05", to: "2025-03-20" }] });
    expect(planStatsRead({ from: "2025-03-15", to: "2025-04-10" }, true)).toEqual({ months: null, days: [{ from: "2025-03-15", to: "2025-04-10" }] });
    expect(planStatsRead({ from: "2025-01-01", to: "2025-12-31" }, false)).toEqual({ months: null, days: [{ from: "2025-01-01", to: "2025-12-31" }] });
  });
});
