import { describe, expect, it } from "vitest";
import { nextReportDue, previousReportPeriod, periodInstants, reportPeriod, ReportRecipientsSchema } from "../../../src/domain/reports/report-schedule";
import { buildReportDigest, type DigestFigures } from "../../../src/domain/reports/report-digest";

describe("nextReportDue", () => {
  it("weekly: the next Monday 08:00 in Berlin, in UTC", () => {
    // Wed 2026-01-07 12:00 UTC → Mon 2026-01-12 08:00 CET = 07:00 UTC.
    expect(nextReportDue({ kind: "weekly", dayOfWeek: 1, hour: 8 }, "Europe/Berlin", new Date("2026-01-07T12:00:00Z")).toISOString()).toBe("2026-01-12T07:00:00.000Z");
  });

  it("weekly: strictly after — at the due instant itself the next one is a week later", () => {
    const due = new Date("2026-01-12T07:00:00Z");
    expect(nextReportDue({ kind: "weekly", dayOfWeek: 1, hour: 8 }, "Europe/Berlin", due).toISOString()).toBe("2026-01-19T07:00:00.000Z");
    expect(nextReportDue({ kind: "weekly", dayOfWeek: 1, hour: 8 }, "Europe/Berlin", new Date(due.getTime() - 1)).toISOString()).toBe(due.toISOString());
  });

  it("keeps the local hour across the spring DST change (Berlin, 29 March 2026)", () => {
    const before = nextReportDue({ kind: "weekly", dayOfWeek: 1, hour: 8 }, "Europe/Berlin", new Date("2026-03-20T00:00:00Z"));
    const after = nextReportDue({ kind: "weekly", dayOfWeek: 1, hour: 8 }, "Europe/Berlin", before);
    expect(before.toISOString()).toBe("2026-03-23T07:00:00.000Z");
    expect(after.toISOString()).toBe("2026-03-30T06:00:00.000Z");
  });

  it("monthly: day 1 at 09:00 in Shanghai (UTC+8, no DST), rolling into the next month", () => {
    const schedule = { kind: "monthly", dayOfMonth: 1, hour: 9 } as const;
    expect(nextReportDue(schedule, "Asia/Shanghai", new Date("2026-02-01T00:59:59Z")).toISOString()).toBe("2026-02-01T01:00:00.000Z");
    expect(nextReportDue(schedule, "Asia/Shanghai", new Date("2026-02-01T01:00:00Z")).toISOString()).toBe("2026-03-01T01:00:00.000Z");
    // New York: 28 Dec 2026 at 23:00 local is already 29 Dec in UTC.
    expect(nextReportDue({ kind: "monthly", dayOfMonth: 28, hour: 23 }, "America/New_York", new Date("2026-12-01T00:00:00Z")).toISOString()).toBe("2026-12-29T04:00:00.000Z");
  });
});

describe("reportPeriod", () => {
  it("weekly: the previous full Monday–Sunday week in the zone", () => {
    // Mon 2026-01-12 07:00 UTC is Monday in Berlin: the week before is 5–11 January.
    expect(reportPeriod("weekly", "Europe/Berlin", new Date("2026-01-12T07:00:00Z"))).toEqual({ key: "week:2026-01-05", from: "2026-01-05", to: "2026-01-11" });
    // The same instant is still Sunday 11 January in Los Angeles: the week before that.
    expect(reportPeriod("weekly", "America/Los_Angeles", new Date("2026-01-12T07:00:00Z"))).toEqual({ key: "week:2025-12-29", from: "2025-12-29", to: "2026-01-04" });
  });

  it("monthly: the previous calendar month, across a year and a leap February", () => {
    expect(reportPeriod("monthly", "Asia/Shanghai", new Date("2026-01-01T01:00:00Z"))).toEqual({ key: "month:2025-12", from: "2025-12-01", to: "2025-12-31" });
    expect(reportPeriod("monthly", "UTC", new Date("2028-03-05T00:00:00Z"))).toEqual({ key: "month:2028-02", from: "2028-02-01", to: "2028-02-29" });
  });

  it("the previous period and the instants bounding a period (a DST week is 167 hours long)", () => {
    expect(previousReportPeriod("monthly", { key: "month:2026-03", from: "2026-03-01", to: "2026-03-31" })).toEqual({ key: "month:2026-02", from: "2026-02-01", to: "2026-02-28" });
    expect(previousReportPeriod("weekly", { key: "week:2026-01-05", from: "2026-01-05", to: "2026-01-11" })).toEqual({ key: "week:2025-12-29", from: "2025-12-29", to: "2026-01-04" });
    const { start, end } = periodInstants({ key: "week:2026-03-23", from: "2026-03-23", to: "2026-03-29" }, "Europe/Berlin");
    expect(start.toISOString()).toBe("2026-03-22T23:00:00.000Z");
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(167);
  });
});

describe("ReportRecipientsSchema", () => {
  it("needs at least one role or member and knows the project's roles", () => {
    expect(ReportRecipientsSchema.safeParse({ roles: [], memberIds: [] }).success).toBe(false);
    expect(ReportRecipientsSchema.safeParse({ roles: ["chief"] }).success).toBe(false);
    expect(ReportRecipientsSchema.parse({ roles: ["manager"] })).toEqual({ roles: ["manager"], memberIds: [] });
  });
});

describe("buildReportDigest", () => {
  const figures: DigestFigures = {
    surveys: [
      {
        title: `<script>alert("x")</script> & Co`,
        current: { responses: 12, acsi: 74.25, nps: 20, csatTopTwoShare: 0.75, cesMean: 5.5, complaintRate: 0.1 },
        previous: { responses: 10, acsi: 70, nps: 25, csatTopTwoShare: null, cesMean: 5.5, complaintRate: 0.2 },
      },
    ],
    complaints: { current: { received: 3, resolutionMedianMinutes: 150 }, previous: { received: 5, resolutionMedianMinutes: null } },
  };
  const period = { key: "week:2026-01-05", from: "2026-01-05", to: "2026-01-11" };

  it("English: figures, changes against the previous period and the link", () => {
    const digest = buildReportDigest({ language: "en", organisationName: "Acme", scheduleName: "Weekly KPIs", period, figures, dashboardUrl: "https://x.test/app" });
    expect(digest.subject).toBe("Acme: Weekly KPIs, 2026-01-05 to 2026-01-11");
    expect(digest.text).toContain("- Responses: 12 (+2)");
    expect(digest.text).toContain("- Satisfaction index (ACSI, 0–100): 74.3 (+4.3)");
    expect(digest.text).toContain("- Net Promoter Score: 20 (−5)");
    expect(digest.text).toContain("- CSAT (top two boxes): 75.0%\n");
    expect(digest.text).toContain("- Respondents who complained: 10.0% (−10.0 pp)");
    expect(digest.text).toContain("- Median time to resolution: 2.5 h\n");
    expect(digest.text).toContain("https://x.test/app");
  });

  it("escapes free text in the HTML part and speaks Chinese", () => {
    const digest = buildReportDigest({ language: "zh-CN", organisationName: "A<b>", scheduleName: "周报", period, figures, dashboardUrl: "https://x.test/app?a=1&b=2" });
    expect(digest.html).not.toContain("<script>");
    expect(digest.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(digest.html).toContain('href="https://x.test/app?a=1&amp;b=2"');
    expect(digest.html).toContain('<html lang="zh-CN">');
    expect(digest.subject).toBe("A<b>：周报，2026-01-05 至 2026-01-11");
    expect(digest.text).toContain("- 答卷数: 12 (+2)");
    expect(digest.text).toContain("解决时间中位数: 2.5 小时");
  });
});
