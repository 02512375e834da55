/**
 * Template pieces for the seed's loyalty model (seeds digest C3: loyalty = attraction × satisfaction ×
 * participation; A13 pitfall 5 and C5: measure former and potential customers, understand why
 * customers defect). Functions rather than constants so templates.ts can apply them to its own
 * definitions without an import cycle.
 */
import type { HiddenField, RatingItem, SurveyDefinition, SurveyItem, SurveyPage, TextItem } from "./definition";
import type { LocalizedText } from "./localization";

const text = (zh: string, en: string): LocalizedText => ({ "zh-CN": zh, en });

const LIKELY = { minLabel: text("非常不可能", "Very unlikely"), maxLabel: text("非常可能", "Very likely") };
const WILLING = { minLabel: text("完全不愿意", "Not at all willing"), maxLabel: text("非常愿意", "Very willing") };

function rating10(id: string, label: LocalizedText, labels: { minLabel: LocalizedText; maxLabel: LocalizedText }, metric: "attraction" | "participation"): RatingItem {
  return { id, type: "rating", label, min: 1, max: 10, step: 1, preset: "acsi10", ...labels, required: false, metric };
}

function openText(id: string, label: LocalizedText): TextItem {
  return { id, type: "text", label, required: false, multiline: true, maxLength: 2000 };
}

/** The hidden field (and invitation CSV column) that says whether a respondent is a current, former or potential customer. */
export const RESPONDENT_STATUS_FIELD: HiddenField = {
  id: "customer_status",
  label: "Respondent status: current, former or potential customer",
  segment: "custom:respondent_status",
  allowedValues: ["current", "former", "potential"],
};

export const ATTRACTION_ITEMS: SurveyItem[] = [
  rating10(
    "att_choose_again",
    text("如果今天重新选择，您再次选择我们的可能性有多大？", "If you were choosing again today, how likely is it that you would choose us?"),
    LIKELY,
    "attraction",
  ),
  rating10(
    "att_interest",
    text("您对我们的新产品、新服务和最新动态有多大兴趣？", "How interested are you in what we do — our new products, services and news?"),
    { minLabel: text("毫无兴趣", "Not at all interested"), maxLabel: text("非常感兴趣", "Very interested") },
    "attraction",
  ),
];

export const PARTICIPATION_ITEMS: SurveyItem[] = [
  rating10(
    "par_feedback",
    text("您有多愿意主动向我们提出意见和建议？", "How willing are you to tell us your opinions and suggestions?"),
    WILLING,
    "participation",
  ),
  rating10(
    "par_codesign",
    text("您有多愿意参与我们新产品或新服务的试用和讨论？", "How willing are you to take part in trying out and discussing our new products or services?"),
    WILLING,
    "participation",
  ),
  {
    id: "par_panel",
    type: "yes_no",
    label: text("您愿意加入我们的顾客小组，不定期参与意见征询吗？", "Would you like to join our customer panel and be consulted from time to time?"),
    required: false,
    metric: "panel_opt_in",
  },
];

/** A page asking the attraction and participation items (both languages), to add to any survey. */
export function loyaltyBlockPage(id = "p_relationship"): SurveyPage {
  return {
    id,
    title: text("您与我们的关系", "You and us"),
    description: text("这些问题帮助我们了解您对我们的兴趣，以及您是否愿意参与我们的改进。", "These questions help us understand your interest in us and whether you would like to help us improve."),
    items: structuredClone([...ATTRACTION_ITEMS, ...PARTICIPATION_ITEMS]),
  };
}

/** ACSI expectation items and the perceived-quality items they are compared with (delight, C = b/a). */
const ACSI_PERCEPTION_PAIRS: Record<string, string> = { ce_overall: "pq_overall", ce_custom: "pq_custom", ce_reliability: "pq_reliability" };

/**
 * A copy of a survey with the loyalty model added: expectation items paired with their
 * perception items, the attraction/participation page before the last page, and the respondent
 * status hidden field.
 */
export function withLoyaltyModel(definition: SurveyDefinition): SurveyDefinition {
  const copy = structuredClone(definition);
  for (const page of copy.pages) {
    for (const item of page.items) {
      const perception = ACSI_PERCEPTION_PAIRS[item.id];
      if (perception && item.type === "rating") item.perceptionPair = perception;
    }
  }
  copy.pages.splice(Math.max(0, copy.pages.length - 1), 0, loyaltyBlockPage());
  copy.hiddenFields = [...copy.hiddenFields, structuredClone(RESPONDENT_STATUS_FIELD)];
  return copy;
}

const option = (id: string, zh: string, en: string) => ({ id, label: text(zh, en) });

/**
 * Win-back survey for former customers (C5: loyalty management "analyses the reasons for customer
 * defection"; A11 lists lost-customer analysis among the measurement routes). Defection reasons are
 * asked as a coded question and an open one; so are where they went and what would bring them back.
 */
export function winBackTemplate(hiddenFields: readonly HiddenField[]): SurveyDefinition {
  return {
    formatVersion: 1,
    languages: ["zh-CN", "en"],
    defaultLanguage: "zh-CN",
    title: text("我们想念您", "We miss you"),
    description: text(
      "您最近没有再选择我们。请花 3 分钟告诉我们原因——每条意见都会被认真研究。",
      "You have not chosen us recently. Please take 3 minutes to tell us why — we read every answer.",
    ),
    thankYou: text("感谢您坦诚的意见！", "Thank you for your honest feedback!"),
    pages: [
      {
        id: "p_why_left",
        title: text("您为什么离开", "Why you left"),
        items: [
          {
            id: "sat_level",
            type: "satisfaction5",
            label: text("总体而言，您对我们过去的产品和服务满意程度是：", "Overall, how satisfied were you with our products and services?"),
            required: false,
            metric: "satisfaction_level",
          },
          {
            id: "defection_reasons",
            type: "multiple_choice",
            label: text("您不再选择我们的主要原因是什么？（可多选）", "What were the main reasons you stopped choosing us? (choose all that apply)"),
            required: false,
            options: [
              option("price", "价格太高", "Price too high"),
              option("quality", "产品质量问题", "Product quality problems"),
              option("service", "服务不好", "Poor service"),
              option("complaint_unresolved", "投诉没有得到解决", "A complaint was not resolved"),
              option("competitor_offer", "其他商家的条件更好", "A better offer elsewhere"),
              option("needs_changed", "我的需求变了", "My needs changed"),
              option("moved", "搬家或不方便了", "I moved / it became inconvenient"),
              option("other", "其他", "Other"),
            ],
          },
          openText("defection_detail", text("请具体说说发生了什么。", "Please tell us in your own words what happened.")),
        ],
      },
      {
        id: "p_where",
        title: text("您现在的选择", "Where you went"),
        items: [
          {
            id: "switched_to",
            type: "single_choice",
            label: text("您现在从哪里获得此类产品或服务？", "Where do you get products or services like ours now?"),
            required: false,
            options: [
              option("competitor", "另一家企业", "Another company"),
              option("in_house", "自己解决", "We do it ourselves"),
              option("stopped", "不再需要此类产品或服务", "I no longer need them"),
              option("undecided", "还没有决定", "Not decided yet"),
              option("other", "其他", "Other"),
            ],
          },
          openText("switched_to_detail", text("对方哪些地方做得比我们好？", "What do they do better than we did?")),
        ],
      },
      {
        id: "p_come_back",
        title: text("怎样能让您回来", "What would bring you back"),
        items: [
          {
            id: "win_back_offers",
            type: "multiple_choice",
            label: text("以下哪些改变会让您考虑再次选择我们？（可多选）", "Which of these would make you consider choosing us again? (choose all that apply)"),
            required: false,
            options: [
              option("lower_price", "更低的价格", "A lower price"),
              option("better_quality", "更好的产品质量", "Better product quality"),
              option("better_service", "更好的服务", "Better service"),
              option("complaint_resolved", "解决我的投诉", "Resolving my complaint"),
              option("new_products", "新的产品或服务", "New products or services"),
              option("personal_contact", "有专人联系我", "A personal contact"),
              option("nothing", "什么都不会", "Nothing would"),
            ],
          },
          openText("win_back_detail", text("还有什么能让您回来？", "Anything else that would bring you back?")),
          rating10(
            "att_choose_again",
            text("您今后再次选择我们的可能性有多大？", "How likely are you to choose us again in the future?"),
            LIKELY,
            "attraction",
          ),
          {
            id: "nps",
            type: "rating",
            label: text("您向朋友或同事推荐我们的可能性有多大？", "How likely are you to recommend us to a friend or colleague?"),
            min: 0,
            max: 10,
            step: 1,
            preset: "nps",
            minLabel: text("完全不可能", "Not at all likely"),
            maxLabel: text("极有可能", "Extremely likely"),
            required: false,
            metric: "nps",
          },
        ],
      },
    ],
    hiddenFields: [...structuredClone(hiddenFields), { ...structuredClone(RESPONDENT_STATUS_FIELD) }],
    measurementPlan: {
      purpose: "Understand why customers left, where they went and what would bring them back (lost-customer analysis).",
      targetCustomers: "Former customers: no purchase in the past 12 months after at least one purchase before.",
      samplingPlan: { targetN: 100, method: "All former customers in the customer list, invited with customer_status=former." },
      includesFormerCustomers: true,
    },
  };
}
