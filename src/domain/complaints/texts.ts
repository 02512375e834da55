/**
 * Customer-facing words of the complaint workflow in the two built-in languages, shared by the
 * server-rendered pages (src/routes/complaint-pages/, their own words in page-texts.ts) and the e-mails (emails.ts).
 */
import type { ComplaintState } from "./complaint";
import { pickLanguage } from "../survey/localization";

export const COMPLAINT_LANGUAGES = ["zh-CN", "en"] as const;
export type ComplaintLanguage = (typeof COMPLAINT_LANGUAGES)[number];

export function complaintLanguage(requested?: string | null, acceptLanguage?: string | null): ComplaintLanguage {
  return pickLanguage({ languages: COMPLAINT_LANGUAGES, defaultLanguage: "zh-CN" }, requested, acceptLanguage) as ComplaintLanguage;
}

export function asComplaintLanguage(value: string | null | undefined): ComplaintLanguage {
  return complaintLanguage(value ?? null, null);
}

type Words = Record<ComplaintLanguage, string>;

export const STATE_LABELS: Record<ComplaintState, Words> = {
  received: { "zh-CN": "已收到", en: "Received" },
  acknowledged: { "zh-CN": "已确认受理", en: "Acknowledged" },
  assessed: { "zh-CN": "已评估", en: "Assessed" },
  investigating: { "zh-CN": "调查处理中", en: "Being investigated" },
  waiting_on_customer: { "zh-CN": "等待您补充信息", en: "Waiting for your reply" },
  responded: { "zh-CN": "已答复，待您确认", en: "Answered — waiting for your decision" },
  closed: { "zh-CN": "已结案", en: "Closed" },
  reopened: { "zh-CN": "已重新打开", en: "Reopened" },
};

/** What each stage means for the customer (status page). */
export const STATE_EXPLANATIONS: Record<ComplaintState, Words> = {
  received: { "zh-CN": "我们已收到您的投诉，将尽快确认受理。", en: "We have received your complaint and will confirm it shortly." },
  acknowledged: { "zh-CN": "我们已受理您的投诉，正在评估问题。", en: "Your complaint has been accepted and is being assessed." },
  assessed: { "zh-CN": "我们已评估问题并指定了负责人。", en: "We have assessed the problem and assigned a person to it." },
  investigating: { "zh-CN": "我们正在调查并处理您反映的问题。", en: "We are investigating the problem." },
  waiting_on_customer: {
    "zh-CN": "我们需要您补充一些信息，请在下方回复。期间处理时限暂停计算。",
    en: "We need some information from you — please reply below. The handling deadline is paused meanwhile.",
  },
  responded: {
    "zh-CN": "我们已给出处理方案。请告诉我们您是否接受。",
    en: "We have proposed a remedy. Please tell us whether you accept it.",
  },
  closed: { "zh-CN": "此投诉已结案。感谢您的耐心。", en: "This complaint is closed. Thank you for your patience." },
  reopened: { "zh-CN": "此投诉已重新打开，我们会再次处理。", en: "This complaint has been reopened and we are looking at it again." },
};

/** The path the customer sees on the status page (waiting and reopened are shown as side steps). */
export const STATUS_STEPS: ComplaintState[] = ["received", "acknowledged", "assessed", "investigating", "responded", "closed"];

export const CATEGORY_LABELS: Record<string, Words> = {
  product_quality: { "zh-CN": "产品质量", en: "Product quality" },
  service_attitude: { "zh-CN": "服务态度", en: "Service attitude" },
  delivery: { "zh-CN": "配送物流", en: "Delivery" },
  billing: { "zh-CN": "账单与收费", en: "Billing and charges" },
  technical: { "zh-CN": "技术问题", en: "Technical problem" },
  other: { "zh-CN": "其他", en: "Other" },
};

export function categoryLabel(slug: string, language: ComplaintLanguage): string {
  return CATEGORY_LABELS[slug]?.[language] ?? slug.replace(/_/g, " ");
}

/** A date in the organisation's time zone, naming the zone; an unknown zone falls back to ISO 8601 (UTC). */
function formatInZone(at: Date, language: ComplaintLanguage, timeZone: string, parts: Intl.DateTimeFormatOptions): string {
  try {
    return new Intl.DateTimeFormat(language, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short", ...parts }).format(at);
  } catch {
    return at.toISOString();
  }
}

/** A moment on the customer's timeline, in the same time zone (and naming it) as the deadline on that page. */
export function formatMoment(at: Date, language: ComplaintLanguage, timeZone: string): string {
  return formatInZone(at, language, timeZone, { year: "numeric", month: "2-digit", day: "2-digit" });
}

/** A file's size as a person reads it: "840 KB", "2.4 MB" (units are the same in both languages). */
export function formatFileSize(bytes: number, language: ComplaintLanguage): string {
  const format = (value: number, digits: number) => value.toLocaleString(language === "zh-CN" ? "zh-CN" : "en", { maximumFractionDigits: digits });
  if (bytes < 1024) return `${format(bytes, 0)} B`;
  if (bytes < 1024 * 1024) return `${format(Math.max(1, Math.round(bytes / 1024)), 0)} KB`;
  return `${format(bytes / 1024 / 1024, 1)} MB`;
}

/** A deadline as the customer reads it, in the organisation's time zone. */
export function formatDeadline(at: Date, language: ComplaintLanguage, timeZone: string): string {
  return formatInZone(at, language, timeZone, { year: "numeric", month: "long", day: "numeric", weekday: "short" });
}
