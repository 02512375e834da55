/**
 * The organisation's topic taxonomy for customer texts: topics with bilingual labels and keywords,
 * seeded from the constructs its surveys measure and from its complaint categories, then edited by
 * the organisation. A text belongs to every topic whose keywords it contains (a comment can be about
 * delivery and price at once). Pure: the app stores the taxonomy in D1 (text_topics).
 */
import { z } from "zod";
import { normalizeText } from "./tokens";

export const TopicKeySchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, { message: "must be a lowercase slug such as delivery or price" });

export const TaxonomyTopicSchema = z.object({
  key: TopicKeySchema,
  labelZh: z.string().trim().min(1).max(60),
  labelEn: z.string().trim().min(1).max(60),
  /** Words or phrases in either language; matched case-insensitively after NFKC. */
  keywords: z.array(z.string().trim().min(1).max(40)).max(60),
  source: z.enum(["construct", "complaint_category", "custom"]).default("custom"),
  /** The complaint category this topic suggests (a complaint category slug), or null. */
  complaintCategory: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).nullable().default(null),
});
export type TaxonomyTopic = z.output<typeof TaxonomyTopicSchema>;

export const TaxonomySchema = z
  .array(TaxonomyTopicSchema)
  .max(60)
  .refine((topics) => new Set(topics.map((topic) => topic.key)).size === topics.length, { message: "topic keys must be unique" });

type Seed = { labelZh: string; labelEn: string; keywords: string[] };

/**
 * Keywords for the standard constructs. `satisfaction` and `expectations` are not topics: every
 * comment expresses them, and the satisfaction link of each topic measures them directly.
 */
const CONSTRUCT_SEEDS: Record<string, Seed> = {
  image: { labelZh: "品牌形象", labelEn: "Brand image", keywords: ["品牌", "形象", "口碑", "信誉", "声誉", "brand", "reputation", "trust"] },
  perceived_quality: {
    labelZh: "服务与体验",
    labelEn: "Service and experience",
    keywords: ["服务", "体验", "环境", "排队", "等待", "流程", "方便", "service", "experience", "queue", "waiting", "wait", "convenient", "process"],
  },
  perceived_value: {
    labelZh: "价格与性价比",
    labelEn: "Price and value",
    keywords: ["价格", "性价比", "太贵", "便宜", "划算", "优惠", "涨价", "price", "expensive", "cheap", "value for money", "worth", "overpriced", "discount"],
  },
  complaints: { labelZh: "投诉处理", labelEn: "Complaint handling", keywords: ["投诉", "处理结果", "赔偿", "complaint", "complained", "compensation", "handled"] },
  loyalty: {
    labelZh: "再次选择与推荐",
    labelEn: "Coming back and recommending",
    keywords: ["推荐", "回购", "再来", "再也不", "换一家", "recommend", "come back", "again", "switch", "loyal"],
  },
};

const CATEGORY_SEEDS: Record<string, Seed> = {
  product_quality: {
    labelZh: "产品质量",
    labelEn: "Product quality",
    keywords: ["质量", "坏了", "故障", "破损", "瑕疵", "不好用", "做工", "quality", "broken", "broke", "defect", "faulty", "stopped working", "damaged"],
  },
  service_attitude: {
    labelZh: "服务态度",
    labelEn: "Staff attitude",
    keywords: ["态度", "客服", "店员", "服务员", "不耐烦", "冷淡", "热情", "耐心", "attitude", "rude", "staff", "unfriendly", "friendly", "helpful", "polite", "impatient"],
  },
  delivery: {
    labelZh: "物流配送",
    labelEn: "Delivery",
    keywords: ["快递", "物流", "送货", "配送", "发货", "到货", "晚到", "延迟", "delivery", "delivered", "shipping", "courier", "parcel", "package", "arrived", "late"],
  },
  billing: {
    labelZh: "账单与收费",
    labelEn: "Billing",
    keywords: ["扣费", "收费", "账单", "发票", "退款", "多扣", "扣了两次", "charged", "charge", "bill", "billing", "invoice", "refund", "payment", "overcharged"],
  },
  technical: {
    labelZh: "网站与应用",
    labelEn: "Website and app",
    keywords: ["系统", "网站", "小程序", "登录", "闪退", "打不开", "卡顿", "app", "website", "log in", "login", "crash", "error", "bug", "password"],
  },
};

/** A custom construct's name (custom:staff_friendliness) as a label and its words as keywords. */
function customConstructSeed(name: string): Seed {
  const words = name.split("_").filter((word) => word.length > 2);
  const label = name.replace(/_/g, " ");
  return { labelZh: label, labelEn: label.charAt(0).toUpperCase() + label.slice(1), keywords: words };
}

/**
 * The starting taxonomy of an organisation: one topic per construct its surveys measure (standard
 * constructs with built-in keywords, custom ones from their names) and one per complaint category
 * with built-in keywords. Categories without built-in keywords (`other`, an organisation's own) are
 * topics once the organisation gives them keywords.
 */
export function seedTaxonomy(input: { constructs: readonly string[]; complaintCategories: readonly string[] }): TaxonomyTopic[] {
  const topics: TaxonomyTopic[] = [];
  const add = (topic: TaxonomyTopic) => {
    if (!topics.some((existing) => existing.key === topic.key)) topics.push(topic);
  };
  for (const category of input.complaintCategories) {
    const seed = CATEGORY_SEEDS[category];
    if (seed) add({ key: category, ...seed, source: "complaint_category", complaintCategory: category });
  }
  for (const construct of input.constructs) {
    const seed = construct.startsWith("custom:") ? customConstructSeed(construct.slice("custom:".length)) : CONSTRUCT_SEEDS[construct];
    if (!seed || seed.keywords.length === 0) continue;
    add({ key: construct.replace(/^custom:/, ""), ...seed, source: "construct", complaintCategory: null });
  }
  return topics;
}

export interface CompiledTaxonomy {
  topics: readonly TaxonomyTopic[];
  /** Topic keys whose keywords occur in the text, in taxonomy order, with the number of keyword hits. */
  match(text: string): Array<{ key: string; hits: number }>;
  /** Whether a word is (part of) one of the taxonomy's keywords: emerging phrases leave these out. */
  covers(word: string): boolean;
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const HAN = /\p{Script=Han}/u;

/**
 * Chinese keywords match as substrings (Chinese has no spaces); Latin keywords at the start of a
 * word, so "deliver" finds "delivery" but "app" does not find "happy".
 */
export function compileTaxonomy(topics: readonly TaxonomyTopic[]): CompiledTaxonomy {
  const compiled = topics.map((topic) => ({
    key: topic.key,
    patterns: topic.keywords.map((keyword) => {
      const normalized = normalizeText(keyword);
      if (HAN.test(normalized)) return { test: (text: string) => text.includes(normalized) };
      const wordStart = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(normalized)}`, "u");
      return { test: (text: string) => wordStart.test(text) };
    }),
  }));
  const keywordSet = topics.flatMap((topic) => topic.keywords.map(normalizeText));
  return {
    topics,
    match(text) {
      const normalized = normalizeText(text);
      const out: Array<{ key: string; hits: number }> = [];
      for (const topic of compiled) {
        const hits = topic.patterns.filter((pattern) => pattern.test(normalized)).length;
        if (hits > 0) out.push({ key: topic.key, hits });
      }
      return out;
    },
    covers(word) {
      const normalized = normalizeText(word);
      return keywordSet.some((keyword) => keyword.includes(normalized) || normalized.includes(keyword));
    },
  };
}
