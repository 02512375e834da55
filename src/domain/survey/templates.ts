/**
 * Ready-made, bilingual (Simplified Chinese + English) survey definitions.
 *
 * Item wording follows the published instruments cited in peers-and-methods.md §B (ACSI, ECSI,
 * NPS, CSAT, CES 2.0, SERVQUAL) and the seeds (seeds digest A1/A2 ACSI blocks, A6 five-level
 * scale, A11 measurement plan, G1 complaint handling). Ids of the ACSI items are part of the
 * analytics contract (index computation looks them up) — do not rename them.
 */
import type {
  ConstructTag,
  HiddenField,
  KanoItem,
  MatrixItem,
  MatrixRow,
  MetricTag,
  RatingItem,
  Satisfaction5Item,
  SurveyDefinition,
  SurveyItem,
  TextItem,
  YesNoItem,
  Condition,
} from "./definition";
import type { LocalizedText } from "./localization";
import type { RatingPreset } from "./scales";
import { RATING_PRESETS } from "./scales";
import { winBackTemplate, withLoyaltyModel } from "./loyalty-templates";

const text = (zh: string, en: string): LocalizedText => ({ "zh-CN": zh, en });

type Tagging = { construct?: ConstructTag; metric?: MetricTag; help?: LocalizedText; showIf?: Condition };

function rating(
  id: string,
  preset: RatingPreset,
  label: LocalizedText,
  minLabel: LocalizedText,
  maxLabel: LocalizedText,
  options: Tagging & { required?: boolean } = {},
): RatingItem {
  const { min, max } = RATING_PRESETS[preset];
  return {
    id,
    type: "rating",
    label,
    min,
    max,
    step: 1,
    preset,
    minLabel,
    maxLabel,
    required: options.required ?? true,
    ...tagging(options),
  };
}

function yesNo(id: string, label: LocalizedText, options: Tagging & { required?: boolean } = {}): YesNoItem {
  return { id, type: "yes_no", label, required: options.required ?? true, ...tagging(options) };
}

function satisfaction5(id: string, label: LocalizedText, options: Tagging & { required?: boolean } = {}): Satisfaction5Item {
  return { id, type: "satisfaction5", label, required: options.required ?? false, ...tagging(options) };
}

function freeText(id: string, label: LocalizedText, options: Tagging & { maxLength?: number } = {}): TextItem {
  return {
    id,
    type: "text",
    label,
    required: false,
    multiline: true,
    maxLength: options.maxLength ?? 5000,
    ...tagging(options),
  };
}

function tagging(options: Tagging): Tagging {
  const result: Tagging = {};
  if (options.construct !== undefined) result.construct = options.construct;
  if (options.metric !== undefined) result.metric = options.metric;
  if (options.help !== undefined) result.help = options.help;
  if (options.showIf !== undefined) result.showIf = options.showIf;
  return result;
}

const STANDARD_HIDDEN_FIELDS: HiddenField[] = [
  { id: "touchpoint", label: "Touchpoint (e.g. store, web, call_centre)", segment: "touchpoint" },
  { id: "region", label: "Region", segment: "region" },
  { id: "tier", label: "Customer tier", segment: "tier" },
];

const LANGUAGES = { languages: ["zh-CN", "en"], defaultLanguage: "zh-CN" } as const;

// Shared end labels.
const LIKELY_1_10 = [text("非常不可能", "Very unlikely"), text("非常可能", "Very likely")] as const;
const NEEDS_1_10 = [text("很难满足", "Not very well"), text("完全满足", "Very well")] as const;
const QUALITY_1_10 = [text("质量很差", "Very poor quality"), text("质量非常好", "Excellent quality")] as const;

const COMMENT_ITEM = freeText(
  "comment",
  text("您还有什么想告诉我们的吗？欢迎提出任何意见或建议。", "Is there anything else you would like to tell us? All comments and suggestions are welcome."),
);

// ---------------------------------------------------------------------------------------------
// ACSI building blocks (shared with ECSI)
// ---------------------------------------------------------------------------------------------

const ACSI_EXPECTATION_ITEMS: SurveyItem[] = [
  rating(
    "ce_overall",
    "acsi10",
    text("在购买之前，您对我们产品和服务的总体质量有怎样的期望？", "Before you bought from us, what were your expectations of the overall quality of our products and services?"),
    text("期望很低", "Very low expectations"),
    text("期望很高", "Very high expectations"),
    { construct: "expectations" },
  ),
  rating(
    "ce_custom",
    "acsi10",
    text("在购买之前，您预期我们的产品和服务能在多大程度上满足您的个人需求？", "Before you bought from us, how well did you expect our products and services to meet your personal needs?"),
    ...NEEDS_1_10,
    { construct: "expectations" },
  ),
  rating(
    "ce_reliability",
    "acsi10",
    text("在购买之前，您预期我们的产品和服务出问题的频率如何？", "Before you bought from us, how often did you expect things to go wrong with our products and services?"),
    text("会经常出问题", "Things would go wrong very often"),
    text("几乎不会出问题", "Things would almost never go wrong"),
    { construct: "expectations" },
  ),
];

const ACSI_VALUE_ITEMS: SurveyItem[] = [
  rating(
    "pv_price_given_quality",
    "acsi10",
    text("考虑到产品和服务的质量，您如何评价您所支付的价格？", "Given the quality of our products and services, how would you rate the price you paid?"),
    text("就这个质量而言，价格很不合理", "Very poor price for the quality"),
    text("就这个质量而言，价格非常合理", "Very good price for the quality"),
    { construct: "perceived_value" },
  ),
  rating(
    "pv_quality_given_price",
    "acsi10",
    text("考虑到您支付的价格，您如何评价所获得的产品和服务质量？", "Given the price you paid, how would you rate the quality of our products and services?"),
    text("很不值这个价", "Very poor quality for the price"),
    text("物超所值", "Very good quality for the price"),
    { construct: "perceived_value" },
  ),
];

const ACSI_SATISFACTION_ITEMS: SurveyItem[] = [
  rating(
    "sat_overall",
    "acsi10",
    text("综合考虑您的全部体验，您对我们的产品和服务总体上有多满意？", "Considering all your experiences, how satisfied are you overall with our products and services?"),
    text("非常不满意", "Not at all satisfied"),
    text("非常满意", "Very satisfied"),
    { construct: "satisfaction" },
  ),
  rating(
    "sat_expectations",
    "acsi10",
    text("我们的产品和服务在多大程度上未达到或超出了您的期望？", "To what extent have our products and services fallen short of or exceeded your expectations?"),
    text("远未达到期望", "Falls short of your expectations"),
    text("远超期望", "Exceeds your expectations"),
    { construct: "satisfaction" },
  ),
  rating(
    "sat_ideal",
    "acsi10",
    text("请设想一个理想的同类产品和服务。与之相比，我们的产品和服务有多接近这个理想？", "Imagine an ideal product and service of this kind. How close do ours come to that ideal?"),
    text("与理想相差很远", "Not very close to ideal"),
    text("非常接近理想", "Very close to ideal"),
    { construct: "satisfaction" },
  ),
];

const COMPLAINED_ITEM = yesNo(
  "complained",
  text(
    "在过去 12 个月内，您是否就我们的产品或服务提出过投诉——无论是正式投诉，还是当面向我们的员工反映？",
    "In the past 12 months, have you complained about our products or services — either formally, or informally to one of our staff?",
  ),
  {
    construct: "complaints",
    metric: "complaint",
    help: text("正式投诉和当面向个人抱怨都算在内。", "Both formal complaints and complaints made in person count."),
  },
);

const COMPLAINT_DETAIL_ITEM = freeText(
  "complaint_detail",
  text("请简要说明您投诉的问题，以及问题后来是如何处理的。", "Please briefly describe what your complaint was about and how it was handled."),
  { showIf: { itemId: "complained", op: "equals", value: true }, maxLength: 2000 },
);

const LOY_REPURCHASE = rating(
  "loy_repurchase",
  "acsi10",
  text("下次需要此类产品或服务时，您再次选择我们的可能性有多大？", "The next time you need products or services like these, how likely are you to choose us again?"),
  ...LIKELY_1_10,
  { construct: "loyalty", metric: "repurchase" },
);

// ACSI asks price tolerance as a percentage; a fixed 10% change on the 1-10 likelihood scale keeps
// every loyalty indicator metric and on the same scale for PLS (documented in survey-format.md).
const LOY_PRICE_INCREASE = rating(
  "loy_price_increase",
  "acsi10",
  text("如果我们的价格上涨 10%，您仍然继续选择我们的可能性有多大？", "If our prices went up by 10%, how likely would you be to keep buying from us?"),
  ...LIKELY_1_10,
  { construct: "loyalty", metric: "price_tolerance_increase" },
);

const LOY_PRICE_DECREASE = rating(
  "loy_price_decrease",
  "acsi10",
  text(
    "如果其他商家以低 10% 的价格提供同类产品或服务，您仍然继续选择我们的可能性有多大？",
    "If another company offered comparable products or services for 10% less, how likely would you be to stay with us?",
  ),
  ...LIKELY_1_10,
  { construct: "loyalty", metric: "price_tolerance_decrease" },
);

const NPS_ITEM = rating(
  "nps",
  "nps",
  text("您向朋友或同事推荐我们的可能性有多大？", "How likely are you to recommend us to a friend or colleague?"),
  text("完全不可能", "Not at all likely"),
  text("极有可能", "Extremely likely"),
  { metric: "nps" },
);

const SATISFACTION_LEVEL_ITEM = satisfaction5(
  "sat_level",
  text("总体而言，您对我们的满意程度是：", "Overall, how would you describe your satisfaction with us?"),
  { metric: "satisfaction_level" },
);

const ACSI_PLAN = {
  purpose:
    "Measure the ACSI-style customer satisfaction index (0-100) and its drivers — expectations, perceived quality and perceived value — and its consequences, complaints and loyalty.",
  targetCustomers:
    "Customers who bought or used our products or services in the past 12 months, including customers who have since stopped buying.",
  // About 250 interviews per company, as in the ACSI (seeds digest A1; 001 L31).
  samplingPlan: { targetN: 250, method: "Random sample of the customer list, stratified by touchpoint and region." },
  includesFormerCustomers: true,
};

const ACSI_TEMPLATE: SurveyDefinition = {
  formatVersion: 1,
  ...LANGUAGES,
  languages: [...LANGUAGES.languages],
  title: text("顾客满意度调查", "Customer satisfaction survey"),
  description: text(
    "本问卷大约需要 5 分钟。您的回答将帮助我们改进产品和服务，所有回答仅用于统计分析。",
    "This survey takes about 5 minutes. Your answers help us improve our products and services and are used only in aggregate.",
  ),
  thankYou: text("感谢您的宝贵意见！我们会认真研究每一条反馈。", "Thank you for your feedback! We study every response carefully."),
  pages: [
    {
      id: "p_expectations",
      title: text("购买之前的期望", "Before you bought"),
      description: text("请回想您第一次购买或使用我们的产品和服务之前的想法。", "Please think back to before you first bought or used our products and services."),
      items: ACSI_EXPECTATION_ITEMS,
    },
    {
      id: "p_experience",
      title: text("您的实际体验", "Your experience"),
      items: [
        rating(
          "pq_overall",
          "acsi10",
          text("根据您的实际体验，您如何评价我们产品和服务的总体质量？", "Based on your experience, how would you rate the overall quality of our products and services?"),
          ...QUALITY_1_10,
          { construct: "perceived_quality" },
        ),
        rating(
          "pq_custom",
          "acsi10",
          text("根据您的实际体验，我们的产品和服务在多大程度上满足了您的个人需求？", "Based on your experience, how well have our products and services met your personal needs?"),
          ...NEEDS_1_10,
          { construct: "perceived_quality" },
        ),
        rating(
          "pq_reliability",
          "acsi10",
          text("根据您的实际体验，我们的产品和服务出问题的频率如何？", "Based on your experience, how often have things gone wrong with our products and services?"),
          text("经常出问题", "Things went wrong very often"),
          text("几乎没出过问题", "Things almost never went wrong"),
          { construct: "perceived_quality" },
        ),
      ],
    },
    {
      id: "p_value_satisfaction",
      title: text("价值与满意度", "Value and satisfaction"),
      items: [...ACSI_VALUE_ITEMS, ...ACSI_SATISFACTION_ITEMS],
    },
    {
      id: "p_complaints",
      title: text("投诉经历", "Complaints"),
      items: [COMPLAINED_ITEM, COMPLAINT_DETAIL_ITEM],
    },
    {
      id: "p_loyalty",
      title: text("今后的打算与建议", "Looking ahead"),
      items: [LOY_REPURCHASE, LOY_PRICE_INCREASE, LOY_PRICE_DECREASE, NPS_ITEM, SATISFACTION_LEVEL_ITEM, COMMENT_ITEM],
    },
  ],
  hiddenFields: STANDARD_HIDDEN_FIELDS,
  measurementPlan: ACSI_PLAN,
};

// ---------------------------------------------------------------------------------------------
// ECSI: adds corporate image, splits perceived quality into product and service, and measures
// loyalty as repurchase, recommendation and price tolerance (peers-and-methods §B ECSI/EPSI).
// ---------------------------------------------------------------------------------------------

const AGREE_1_10 = [text("完全不同意", "Strongly disagree"), text("完全同意", "Strongly agree")] as const;

const IMAGE_ROWS: MatrixRow[] = [
  { id: "img_trustworthy", label: text("我们言行一致，值得信赖。", "We can be trusted in what we say and do.") },
  { id: "img_established", label: text("我们是一家稳健、可靠的企业。", "We are a stable, well-established company.") },
  { id: "img_customer_focus", label: text("我们真正关心顾客。", "We genuinely care about our customers.") },
  { id: "img_innovative", label: text("我们富有创新精神、着眼未来。", "We are innovative and forward-looking.") },
  { id: "img_social", label: text("我们积极履行社会责任。", "We make a positive contribution to society.") },
];

const IMAGE_MATRIX: MatrixItem = {
  id: "img_block",
  type: "matrix",
  label: text("您在多大程度上同意以下关于我们的说法？", "How much do you agree with the following statements about us?"),
  required: true,
  construct: "image",
  scale: { type: "rating", min: 1, max: 10, step: 1, preset: "acsi10", minLabel: AGREE_1_10[0], maxLabel: AGREE_1_10[1] },
  rows: IMAGE_ROWS,
};

const ECSI_TEMPLATE: SurveyDefinition = {
  formatVersion: 1,
  ...LANGUAGES,
  languages: [...LANGUAGES.languages],
  title: text("顾客满意度调查（ECSI 模型）", "Customer satisfaction survey (ECSI model)"),
  description: text(
    "本问卷大约需要 6 分钟。您的回答将帮助我们改进产品和服务，所有回答仅用于统计分析。",
    "This survey takes about 6 minutes. Your answers help us improve our products and services and are used only in aggregate.",
  ),
  thankYou: text("感谢您的宝贵意见！", "Thank you for your feedback!"),
  pages: [
    { id: "p_image", title: text("企业形象", "Our image"), items: [IMAGE_MATRIX] },
    {
      id: "p_expectations",
      title: text("购买之前的期望", "Before you bought"),
      description: text("请回想您第一次购买或使用我们的产品和服务之前的想法。", "Please think back to before you first bought or used our products and services."),
      items: ACSI_EXPECTATION_ITEMS,
    },
    {
      id: "p_quality",
      title: text("您的实际体验", "Your experience"),
      items: [
        rating(
          "pq_overall",
          "acsi10",
          text("根据您的实际体验，您如何评价我们产品和服务的总体质量？", "Based on your experience, how would you rate the overall quality of our products and services?"),
          ...QUALITY_1_10,
          { construct: "perceived_quality" },
        ),
        rating(
          "pq_products",
          "acsi10",
          text("您如何评价我们产品本身的质量？", "How would you rate the quality of our products themselves?"),
          ...QUALITY_1_10,
          { construct: "perceived_quality" },
        ),
        rating(
          "pq_service",
          "acsi10",
          text("您如何评价我们的服务质量（如咨询、售后和问题处理）？", "How would you rate the quality of our service (advice, after-sales support, problem handling)?"),
          ...QUALITY_1_10,
          { construct: "perceived_quality" },
        ),
        rating(
          "pq_reliability",
          "acsi10",
          text("根据您的实际体验，我们的产品和服务出问题的频率如何？", "Based on your experience, how often have things gone wrong with our products and services?"),
          text("经常出问题", "Things went wrong very often"),
          text("几乎没出过问题", "Things almost never went wrong"),
          { construct: "perceived_quality" },
        ),
      ],
    },
    {
      id: "p_value_satisfaction",
      title: text("价值与满意度", "Value and satisfaction"),
      items: [...ACSI_VALUE_ITEMS, ...ACSI_SATISFACTION_ITEMS],
    },
    {
      id: "p_complaints_loyalty",
      title: text("投诉经历与今后的打算", "Complaints and looking ahead"),
      items: [
        COMPLAINED_ITEM,
        COMPLAINT_DETAIL_ITEM,
        LOY_REPURCHASE,
        rating(
          "loy_recommend",
          "acsi10",
          text("您向亲友或同事推荐我们的可能性有多大？", "How likely are you to recommend us to friends, family or colleagues?"),
          ...LIKELY_1_10,
          { construct: "loyalty", metric: "recommend" },
        ),
        LOY_PRICE_INCREASE,
        COMMENT_ITEM,
      ],
    },
  ],
  hiddenFields: STANDARD_HIDDEN_FIELDS,
  measurementPlan: {
    ...ACSI_PLAN,
    purpose:
      "Measure the ECSI-style customer satisfaction index (0-100) with its drivers — image, expectations, perceived quality, perceived value — and its consequences, complaints and loyalty.",
  },
};

// ---------------------------------------------------------------------------------------------
// NPS, CSAT, CES
// ---------------------------------------------------------------------------------------------

const NPS_TEMPLATE: SurveyDefinition = {
  formatVersion: 1,
  ...LANGUAGES,
  languages: [...LANGUAGES.languages],
  title: text("推荐意愿调查", "Would you recommend us?"),
  description: text("只有两个问题，不到一分钟即可完成。", "Just two questions — it takes less than a minute."),
  thankYou: text("感谢您的反馈！", "Thank you for your feedback!"),
  pages: [
    {
      id: "p_nps",
      items: [
        NPS_ITEM,
        // Follow-up wording differs by NPS group (detractors 0-6, passives 7-8, promoters 9-10).
        freeText(
          "reason_detractor",
          text("很抱歉没能让您满意。我们最需要改进的是什么？", "We're sorry we fell short. What should we improve most?"),
          { showIf: { itemId: "nps", op: "lte", value: 6 }, maxLength: 2000 },
        ),
        freeText(
          "reason_passive",
          text("怎样才能让您更愿意推荐我们？", "What would make you more likely to recommend us?"),
          {
            showIf: { all: [{ itemId: "nps", op: "gte", value: 7 }, { itemId: "nps", op: "lte", value: 8 }] },
            maxLength: 2000,
          },
        ),
        freeText(
          "reason_promoter",
          text("谢谢！您最喜欢我们的哪一点？", "Thank you! What do you like most about us?"),
          { showIf: { itemId: "nps", op: "gte", value: 9 }, maxLength: 2000 },
        ),
      ],
    },
  ],
  hiddenFields: STANDARD_HIDDEN_FIELDS,
};

const CSAT_TEMPLATE: SurveyDefinition = {
  formatVersion: 1,
  ...LANGUAGES,
  languages: [...LANGUAGES.languages],
  title: text("服务满意度调查", "How did we do?"),
  thankYou: text("感谢您的反馈！", "Thank you for your feedback!"),
  pages: [
    {
      id: "p_csat",
      items: [
        rating(
          "csat",
          "csat5",
          text("总体而言，您对本次服务有多满意？", "Overall, how satisfied were you with this service?"),
          text("非常不满意", "Very dissatisfied"),
          text("非常满意", "Very satisfied"),
          { metric: "csat" },
        ),
        freeText(
          "csat_reason",
          text("请告诉我们您给出这个评分的主要原因。", "What is the main reason for your rating?"),
          { showIf: { itemId: "csat", op: "answered" }, maxLength: 2000 },
        ),
      ],
    },
  ],
  hiddenFields: STANDARD_HIDDEN_FIELDS,
};

const CES_TEMPLATE: SurveyDefinition = {
  formatVersion: 1,
  ...LANGUAGES,
  languages: [...LANGUAGES.languages],
  title: text("服务便捷度调查", "How easy was it?"),
  thankYou: text("感谢您的反馈！", "Thank you for your feedback!"),
  pages: [
    {
      id: "p_ces",
      items: [
        // CES 2.0 statement and 7-point agreement scale (Dixon, Toman & DeLisi 2013).
        rating(
          "ces",
          "ces7",
          text("“这家公司让我能够轻松地处理好我的问题。”您在多大程度上同意这一说法？", "“The company made it easy for me to handle my issue.” How much do you agree with this statement?"),
          text("非常不同意", "Strongly disagree"),
          text("非常同意", "Strongly agree"),
          { metric: "ces" },
        ),
        freeText(
          "ces_reason",
          text("在处理过程中，有哪些地方让您觉得费力？", "What, if anything, made it hard to get your issue handled?"),
          { showIf: { itemId: "ces", op: "lte", value: 4 }, maxLength: 2000 },
        ),
      ],
    },
  ],
  hiddenFields: STANDARD_HIDDEN_FIELDS,
};

// ---------------------------------------------------------------------------------------------
// SERVQUAL: 10 of the 22 statements (two per RATER dimension), asked as expectations of an
// excellent company and as perceptions of us, 7-point agreement (Parasuraman, Zeithaml & Berry
// 1988; peers-and-methods §B; the seeds list the same five dimensions, seeds digest B3).
// ---------------------------------------------------------------------------------------------

type ServqualStatement = {
  pairKey: string;
  dimension: "tangibles" | "reliability" | "responsiveness" | "assurance" | "empathy";
  expectation: LocalizedText;
  perception: LocalizedText;
};

const SERVQUAL_STATEMENTS: ServqualStatement[] = [
  {
    pairKey: "tan_equipment",
    dimension: "tangibles",
    expectation: text("优秀的企业拥有现代化的设备。", "Excellent companies have modern-looking equipment."),
    perception: text("我们拥有现代化的设备。", "We have modern-looking equipment."),
  },
  {
    pairKey: "tan_appearance",
    dimension: "tangibles",
    expectation: text("优秀企业的员工衣着整洁、得体。", "Employees of excellent companies are neat in appearance."),
    perception: text("我们的员工衣着整洁、得体。", "Our employees are neat in appearance."),
  },
  {
    pairKey: "rel_promises",
    dimension: "reliability",
    expectation: text("优秀的企业承诺在某个时间之前做某件事，就一定会按时做到。", "When excellent companies promise to do something by a certain time, they do so."),
    perception: text("我们承诺在某个时间之前做某件事，就一定会按时做到。", "When we promise to do something by a certain time, we do so."),
  },
  {
    pairKey: "rel_first_time",
    dimension: "reliability",
    expectation: text("优秀的企业第一次就能把服务做好。", "Excellent companies perform the service right the first time."),
    perception: text("我们第一次就能把服务做好。", "We perform the service right the first time."),
  },
  {
    pairKey: "res_inform",
    dimension: "responsiveness",
    expectation: text("优秀企业的员工会明确告诉顾客服务何时完成。", "Employees of excellent companies tell customers exactly when services will be performed."),
    perception: text("我们的员工会明确告诉您服务何时完成。", "Our employees tell you exactly when services will be performed."),
  },
  {
    pairKey: "res_prompt",
    dimension: "responsiveness",
    expectation: text("优秀企业的员工能及时为顾客提供服务。", "Employees of excellent companies give prompt service to customers."),
    perception: text("我们的员工能及时为您提供服务。", "Our employees give you prompt service."),
  },
  {
    pairKey: "ass_confidence",
    dimension: "assurance",
    expectation: text("优秀企业员工的言行能让顾客放心。", "The behaviour of employees of excellent companies instils confidence in customers."),
    perception: text("我们员工的言行让您放心。", "The behaviour of our employees instils confidence in you."),
  },
  {
    pairKey: "ass_knowledge",
    dimension: "assurance",
    expectation: text("优秀企业的员工具备解答顾客问题的专业知识。", "Employees of excellent companies have the knowledge to answer customers' questions."),
    perception: text("我们的员工具备解答您问题的专业知识。", "Our employees have the knowledge to answer your questions."),
  },
  {
    pairKey: "emp_attention",
    dimension: "empathy",
    expectation: text("优秀的企业会给予每位顾客个别的关注。", "Excellent companies give each customer individual attention."),
    perception: text("我们给予您个别的关注。", "We give you individual attention."),
  },
  {
    pairKey: "emp_interests",
    dimension: "empathy",
    expectation: text("优秀的企业把顾客的利益放在心上。", "Excellent companies have their customers' best interests at heart."),
    perception: text("我们把您的利益放在心上。", "We have your best interests at heart."),
  },
];

const AGREE_1_7 = { minLabel: text("非常不同意", "Strongly disagree"), maxLabel: text("非常同意", "Strongly agree") };

function servqualMatrix(kind: "expectation" | "perception", id: string, label: LocalizedText): MatrixItem {
  const prefix = kind === "expectation" ? "e_" : "p_";
  return {
    id,
    type: "matrix",
    label,
    required: true,
    scale: { type: "rating", min: 1, max: 7, step: 1, ...AGREE_1_7 },
    rows: SERVQUAL_STATEMENTS.map((statement) => ({
      id: `${prefix}${statement.pairKey}`,
      label: statement[kind],
      metric: { role: "servqual", dimension: statement.dimension, kind, pairKey: statement.pairKey },
    })),
  };
}

const SERVQUAL_TEMPLATE: SurveyDefinition = {
  formatVersion: 1,
  ...LANGUAGES,
  languages: [...LANGUAGES.languages],
  title: text("服务质量调查（SERVQUAL）", "Service quality survey (SERVQUAL)"),
  description: text(
    "我们会先请您描述对一家优秀企业的期望，再请您评价我们的实际表现。",
    "We first ask what you expect from an excellent company, then how we actually perform.",
  ),
  thankYou: text("感谢您的宝贵意见！", "Thank you for your feedback!"),
  pages: [
    {
      id: "p_expectations",
      title: text("您的期望", "Your expectations"),
      items: [
        servqualMatrix(
          "expectation",
          "sq_expectations",
          text("请设想一家您心目中优秀的同类企业。您在多大程度上同意以下说法？", "Think of an excellent company of this kind. How much do you agree with each statement?"),
        ),
      ],
    },
    {
      id: "p_perceptions",
      title: text("我们的表现", "How we perform"),
      items: [
        servqualMatrix(
          "perception",
          "sq_perceptions",
          text("现在请根据您对我们的实际体验，评价以下说法。", "Now think about your actual experience with us. How much do you agree with each statement?"),
        ),
      ],
    },
    {
      id: "p_overall",
      title: text("总体评价", "Overall"),
      items: [SATISFACTION_LEVEL_ITEM, COMMENT_ITEM],
    },
  ],
  hiddenFields: STANDARD_HIDDEN_FIELDS,
};

// ---------------------------------------------------------------------------------------------
// Complaint handling follow-up: satisfaction with the complaints-handling process (ISO 10002
// monitoring; seeds digest G1, §2.1 item 16), sent after a complaint case is closed.
// ---------------------------------------------------------------------------------------------

const COMPLAINT_HANDLING_TEMPLATE: SurveyDefinition = {
  formatVersion: 1,
  ...LANGUAGES,
  languages: [...LANGUAGES.languages],
  title: text("投诉处理满意度回访", "How did we handle your complaint?"),
  description: text("感谢您向我们反映问题。请花一分钟告诉我们处理得怎么样。", "Thank you for telling us about a problem. Please take a minute to tell us how we handled it."),
  thankYou: text("感谢您的反馈！如问题仍未解决，我们会尽快与您联系。", "Thank you! If your problem is not resolved yet, we will contact you soon."),
  pages: [
    {
      id: "p_handling",
      items: [
        rating(
          "csat",
          "csat5",
          text("您对我们处理这次投诉的方式有多满意？", "How satisfied are you with how we handled your complaint?"),
          text("非常不满意", "Very dissatisfied"),
          text("非常满意", "Very satisfied"),
          { metric: "csat" },
        ),
        rating(
          "ces",
          "ces7",
          text("“这家公司让我能够轻松地解决这次投诉的问题。”您在多大程度上同意这一说法？", "“The company made it easy for me to get my complaint handled.” How much do you agree with this statement?"),
          text("非常不同意", "Strongly disagree"),
          text("非常同意", "Strongly agree"),
          { metric: "ces" },
        ),
        yesNo("resolved", text("您的问题解决了吗？", "Was your problem resolved?"), { metric: "resolved" }),
        freeText(
          "unresolved_detail",
          text("很抱歉问题仍未解决。请告诉我们还有哪些问题，我们会尽快跟进。", "We're sorry it is not resolved yet. Please tell us what is still wrong so we can follow up."),
          { showIf: { itemId: "resolved", op: "equals", value: false }, maxLength: 2000 },
        ),
        freeText(
          "comment",
          text("对于我们的投诉处理，您还有什么意见或建议？", "Any other comments on how we handled your complaint?"),
          { maxLength: 2000 },
        ),
      ],
    },
  ],
  hiddenFields: [...STANDARD_HIDDEN_FIELDS, { id: "case_id", label: "Complaint case reference" }],
};

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

/** One Kano feature: the feature's name and its functional/dysfunctional questions (Berger et al. 1993 wording). */
function kanoFeature(id: string, feature: LocalizedText, present: LocalizedText, absent: LocalizedText): KanoItem {
  return {
    id,
    type: "kano",
    label: feature,
    required: false,
    functional: { id: `${id}_functional`, label: text(`如果${present["zh-CN"]}，您感觉如何？`, `If ${present.en}, how do you feel?`) },
    dysfunctional: { id: `${id}_dysfunctional`, label: text(`如果${absent["zh-CN"]}，您感觉如何？`, `If ${absent.en}, how do you feel?`) },
  };
}

const KANO_TEMPLATE: SurveyDefinition = {
  formatVersion: 1,
  ...LANGUAGES,
  languages: [...LANGUAGES.languages],
  title: text("功能需求调查（Kano）", "Which features matter? (Kano)"),
  description: text(
    "每个功能有两个问题：提供它时和不提供它时您的感受。请选择最符合您感受的答案。",
    "Each feature has two questions: how you feel if it is there, and how you feel if it is not. Choose the answer closest to how you feel.",
  ),
  thankYou: text("感谢您的反馈！", "Thank you for your feedback!"),
  pages: [
    {
      id: "p_features",
      items: [
        kanoFeature("kano_delivery", text("次日送达", "Next-day delivery"), text("订单次日送达", "your order arrives the next day"), text("订单不能次日送达", "your order does not arrive the next day")),
        kanoFeature("kano_tracking", text("实时物流跟踪", "Live order tracking"), text("可以实时跟踪订单", "you can track your order live"), text("无法实时跟踪订单", "you cannot track your order live")),
        kanoFeature("kano_returns", text("免费退货", "Free returns"), text("退货免费", "returns are free"), text("退货需要付费", "you have to pay for returns")),
        kanoFeature("kano_support", text("全天候在线客服", "24/7 live chat"), text("随时可以在线联系客服", "you can chat with support at any time"), text("只能在工作时间联系客服", "you can contact support only in office hours")),
      ],
    },
    { id: "p_comment", items: [COMMENT_ITEM] },
  ],
  hiddenFields: STANDARD_HIDDEN_FIELDS,
};

export const TEMPLATE_KEYS = ["acsi", "acsi_loyalty", "ecsi", "nps", "csat", "ces", "servqual", "kano", "complaint_handling", "win_back"] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

const TEMPLATES: Record<TemplateKey, { definition: SurveyDefinition; summary: LocalizedText }> = {
  acsi: {
    definition: ACSI_TEMPLATE,
    summary: text(
      "美国顾客满意度指数模型：期望、感知质量、感知价值、满意度、投诉、忠诚共 15 个标准题项，另含 NPS 与五级满意度。",
      "American Customer Satisfaction Index: the 15 standard items for expectations, perceived quality, perceived value, satisfaction, complaints and loyalty, plus NPS and the five-level satisfaction scale.",
    ),
  },
  acsi_loyalty: {
    definition: withLoyaltyModel(ACSI_TEMPLATE),
    summary: text(
      "ACSI 加上忠诚度模型：忠诚度 = 吸引力 × 满意度 × 参与度，期望/感知配对（欣喜 = 期望 + 1），并区分现有、流失和潜在顾客。",
      "ACSI plus the loyalty model: loyalty = attraction × satisfaction × participation, paired expectation/perception items (delight = expectation + 1), and current, former and potential customers told apart.",
    ),
  },
  ecsi: {
    definition: ECSI_TEMPLATE,
    summary: text(
      "欧洲顾客满意度指数模型：在 ACSI 基础上增加企业形象，并以再购、推荐和价格容忍度衡量忠诚。",
      "European Customer Satisfaction Index: ACSI plus corporate image, with loyalty measured as repurchase, recommendation and price tolerance.",
    ),
  },
  nps: {
    definition: NPS_TEMPLATE,
    summary: text("净推荐值（NPS）：0-10 分推荐意愿，并按推荐者、中立者、贬损者追问原因。", "Net Promoter Score: 0-10 likelihood to recommend with a follow-up question for detractors, passives and promoters."),
  },
  csat: {
    definition: CSAT_TEMPLATE,
    summary: text("顾客满意度（CSAT）：1-5 分满意度评分及原因。", "Customer satisfaction (CSAT): a 1-5 satisfaction rating and the reason for it."),
  },
  ces: {
    definition: CES_TEMPLATE,
    summary: text("顾客费力度（CES 2.0）：1-7 分同意度评分及原因。", "Customer Effort Score (CES 2.0): a 1-7 agreement rating and what made it hard."),
  },
  servqual: {
    definition: SERVQUAL_TEMPLATE,
    summary: text(
      "SERVQUAL 服务质量差距：有形性、可靠性、响应性、保证性、移情性五个维度各 2 对期望/感知题项（7 分制）。",
      "SERVQUAL service-quality gaps: 2 expectation/perception pairs for each of tangibles, reliability, responsiveness, assurance and empathy (7-point).",
    ),
  },
  kano: {
    definition: KANO_TEMPLATE,
    summary: text(
      "Kano 功能分析：每个功能一对正向/反向问题（五个标准答案），得出魅力、一维、必备、无差异等类别及 Better/Worse 系数。",
      "Kano feature analysis: a functional/dysfunctional question pair per feature (five standard answers each), giving attractive, one-dimensional, must-be and indifferent categories and Better/Worse coefficients.",
    ),
  },
  win_back: {
    definition: winBackTemplate(STANDARD_HIDDEN_FIELDS),
    summary: text(
      "流失顾客挽回调查：为什么离开（编码 + 开放题）、现在去了哪里、怎样才能回来。",
      "Win-back survey for former customers: why they left (coded and open), where they went, and what would bring them back.",
    ),
  },
  complaint_handling: {
    definition: COMPLAINT_HANDLING_TEMPLATE,
    summary: text("投诉处理回访：处理满意度（CSAT）、费力度（CES）、问题是否解决及意见。", "Complaint follow-up: satisfaction with handling (CSAT), effort (CES), whether the problem was resolved, and comments."),
  },
};

export function isTemplateKey(value: string): value is TemplateKey {
  return (TEMPLATE_KEYS as readonly string[]).includes(value);
}

export type SurveyTemplateSummary = {
  key: TemplateKey;
  title: LocalizedText;
  summary: LocalizedText;
  languages: string[];
  pageCount: number;
  itemCount: number;
};

/** Template catalogue for the "new survey" screen. */
export function listTemplates(): SurveyTemplateSummary[] {
  return TEMPLATE_KEYS.map((key) => {
    const { definition, summary } = TEMPLATES[key];
    return {
      key,
      title: { ...definition.title },
      summary: { ...summary },
      languages: [...definition.languages],
      pageCount: definition.pages.length,
      itemCount: definition.pages.reduce((count, page) => count + page.items.length, 0),
    };
  });
}

/** A fresh deep copy of a template, safe for the caller to edit before saving. */
export function getTemplate(key: TemplateKey): SurveyDefinition {
  return structuredClone(TEMPLATES[key].definition);
}
