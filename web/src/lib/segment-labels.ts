/**
 * Readable names for the segment values the product itself suggests (touchpoints, regions, tiers, respondent
 * status), in the UI's language. Any other value is an organisation's own word and is shown as it was sent.
 */
import type { Lang } from "./i18n";

const KNOWN: Record<string, Record<Lang, string>> = {
  store: { en: "Store", "zh-CN": "门店" },
  web: { en: "Website", "zh-CN": "网站" },
  app: { en: "App", "zh-CN": "应用" },
  call_centre: { en: "Call centre", "zh-CN": "呼叫中心" },
  call_center: { en: "Call center", "zh-CN": "呼叫中心" },
  email: { en: "E-mail", "zh-CN": "电子邮件" },
  chat: { en: "Chat", "zh-CN": "在线客服" },
  north: { en: "North", "zh-CN": "北区" },
  east: { en: "East", "zh-CN": "东区" },
  south: { en: "South", "zh-CN": "南区" },
  west: { en: "West", "zh-CN": "西区" },
  standard: { en: "Standard", "zh-CN": "标准" },
  bronze: { en: "Bronze", "zh-CN": "铜卡" },
  silver: { en: "Silver", "zh-CN": "银卡" },
  gold: { en: "Gold", "zh-CN": "金卡" },
  platinum: { en: "Platinum", "zh-CN": "白金卡" },
  current: { en: "Current customer", "zh-CN": "现有顾客" },
  former: { en: "Former customer", "zh-CN": "流失顾客" },
  potential: { en: "Potential customer", "zh-CN": "潜在顾客" },
};

export function segmentValueLabel(value: string, lang: Lang): string {
  return KNOWN[value]?.[lang] ?? value;
}
