/**
 * The digest e-mail of a scheduled report: subject, text and HTML parts in English or Simplified
 * Chinese, built from plain figures the caller read with the dashboard's own analytics (nothing is
 * computed here but the change against the previous period). Survey titles and the organisation's
 * name are free text: escaped in the HTML part.
 */
import { escapeHtml } from "../email/message";
import type { ReportLanguage, ReportPeriod } from "./report-schedule";

export type SurveyKpis = {
  responses: number;
  /** ACSI-style satisfaction index 0–100, null when the model cannot be estimated. */
  acsi: number | null;
  nps: number | null;
  /** Share (0–1) answering in the top two boxes. */
  csatTopTwoShare: number | null;
  cesMean: number | null;
  /** Share (0–1) of respondents who said they complained. */
  complaintRate: number | null;
};

export type ComplaintKpis = { received: number; resolutionMedianMinutes: number | null };

export type DigestFigures = {
  surveys: { title: string; current: SurveyKpis; previous: SurveyKpis }[];
  complaints: { current: ComplaintKpis; previous: ComplaintKpis };
};

export type DigestInput = {
  language: ReportLanguage;
  organisationName: string;
  scheduleName: string;
  period: ReportPeriod;
  figures: DigestFigures;
  /** Where the dashboard is, linked from the e-mail. */
  dashboardUrl: string;
};

export type DigestContent = { subject: string; text: string; html: string };

const WORDS = {
  en: {
    subject: (org: string, name: string, from: string, to: string) => `${org}: ${name}, ${from} to ${to}`,
    intro: (from: string, to: string) => `Your scheduled report for ${from} to ${to}. In brackets: the change against the period before.`,
    responses: "Responses",
    acsi: "Satisfaction index (ACSI, 0–100)",
    nps: "Net Promoter Score",
    csat: "CSAT (top two boxes)",
    ces: "Customer effort (mean)",
    complaintRate: "Respondents who complained",
    complaintsReceived: "Complaints received",
    handling: "Median time to resolution",
    complaints: "Complaint handling",
    none: "no data",
    hours: (h: string) => `${h} h`,
    noSurveys: "No published surveys in this report.",
    open: "Open the dashboard",
  },
  "zh-CN": {
    subject: (org: string, name: string, from: string, to: string) => `${org}：${name}，${from} 至 ${to}`,
    intro: (from: string, to: string) => `您的定期报告（${from} 至 ${to}）。括号内为与上一周期相比的变化。`,
    responses: "答卷数",
    acsi: "满意度指数（ACSI，0–100）",
    nps: "净推荐值（NPS）",
    csat: "满意度（CSAT，前两档占比）",
    ces: "客户费力度（均值）",
    complaintRate: "曾投诉的受访者占比",
    complaintsReceived: "收到的投诉",
    handling: "解决时间中位数",
    complaints: "投诉处理",
    none: "无数据",
    hours: (h: string) => `${h} 小时`,
    noSurveys: "本报告中没有已发布的问卷。",
    open: "打开仪表板",
  },
} as const;

type Row = { label: string; value: string; change: string | null };

function formatNumber(value: number, digits: number): string {
  return value.toFixed(digits);
}

function signed(value: number, digits: number, unit = ""): string {
  const text = formatNumber(Math.abs(value), digits);
  return `${value > 0 ? "+" : value < 0 ? "−" : "±"}${text}${unit}`;
}

function row(label: string, current: number | null, previous: number | null, format: (value: number) => string, change: (delta: number) => string, none: string): Row {
  return { label, value: current === null ? none : format(current), change: current === null || previous === null ? null : change(current - previous) };
}

function surveyRows(kpis: { current: SurveyKpis; previous: SurveyKpis }, words: (typeof WORDS)[ReportLanguage]): Row[] {
  const { current, previous } = kpis;
  const percent = (share: number) => `${formatNumber(share * 100, 1)}%`;
  const points = (delta: number) => signed(delta * 100, 1, " pp");
  return [
    row(words.responses, current.responses, previous.responses, (v) => String(v), (d) => signed(d, 0), words.none),
    row(words.acsi, current.acsi, previous.acsi, (v) => formatNumber(v, 1), (d) => signed(d, 1), words.none),
    row(words.nps, current.nps, previous.nps, (v) => formatNumber(v, 0), (d) => signed(d, 0), words.none),
    row(words.csat, current.csatTopTwoShare, previous.csatTopTwoShare, percent, points, words.none),
    row(words.ces, current.cesMean, previous.cesMean, (v) => formatNumber(v, 2), (d) => signed(d, 2), words.none),
    row(words.complaintRate, current.complaintRate, previous.complaintRate, percent, points, words.none),
  ];
}

function complaintRows(kpis: DigestFigures["complaints"], words: (typeof WORDS)[ReportLanguage]): Row[] {
  const hours = (minutes: number) => words.hours(formatNumber(minutes / 60, 1));
  return [
    row(words.complaintsReceived, kpis.current.received, kpis.previous.received, (v) => String(v), (d) => signed(d, 0), words.none),
    row(words.handling, kpis.current.resolutionMedianMinutes, kpis.previous.resolutionMedianMinutes, hours, (d) => words.hours(signed(d / 60, 1)), words.none),
  ];
}

export function buildReportDigest(input: DigestInput): DigestContent {
  const words = WORDS[input.language];
  const { from, to } = input.period;
  const sections: { title: string; rows: Row[] }[] = [
    ...input.figures.surveys.map((survey) => ({ title: survey.title, rows: surveyRows(survey, words) })),
    { title: words.complaints, rows: complaintRows(input.figures.complaints, words) },
  ];
  const subject = words.subject(input.organisationName, input.scheduleName, from, to).replace(/[\r\n]+/g, " ");
  const line = (entry: Row) => `- ${entry.label}: ${entry.value}${entry.change ? ` (${entry.change})` : ""}`;
  const text = [
    words.intro(from, to),
    ...(input.figures.surveys.length === 0 ? [words.noSurveys] : []),
    ...sections.map((section) => [section.title, ...section.rows.map(line)].join("\n")),
    `${words.open}: ${input.dashboardUrl}`,
  ].join("\n\n");
  const table = (section: { title: string; rows: Row[] }) =>
    `<h2 style="font-size:1.1em">${escapeHtml(section.title)}</h2>\n<table style="border-collapse:collapse">\n${section.rows
      .map((entry) => `<tr><th scope="row" style="text-align:left;padding:2px 12px 2px 0">${escapeHtml(entry.label)}</th><td style="text-align:right">${escapeHtml(entry.value)}</td><td style="color:#555;padding-left:8px">${entry.change ? escapeHtml(`(${entry.change})`) : ""}</td></tr>`)
      .join("\n")}\n</table>`;
  const html = `<!doctype html>\n<html lang="${input.language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body style="font-family:system-ui,sans-serif;line-height:1.5">\n<p>${escapeHtml(words.intro(from, to))}</p>\n${
    input.figures.surveys.length === 0 ? `<p>${escapeHtml(words.noSurveys)}</p>\n` : ""
  }${sections.map(table).join("\n")}\n<p><a href="${escapeHtml(input.dashboardUrl)}">${escapeHtml(words.open)}</a></p>\n</body></html>`;
  return { subject, text, html };
}
