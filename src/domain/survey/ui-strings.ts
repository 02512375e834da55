/**
 * Fixed UI text ("chrome") of the respondent-facing survey pages, in the built-in languages.
 * Survey content comes from the definition; these strings are the same for every survey.
 */
import { matchLanguage, type BuiltInLanguage } from "./localization";
import type { AnswerError } from "./answers";

export type UiStrings = {
  next: string;
  back: string;
  submit: string;
  /** Marker next to required items (also used as screen-reader text). */
  required: string;
  optional: string;
  yes: string;
  no: string;
  /** Heading of the error summary box at the top of a page that failed validation. */
  errorSummaryTitle: string;
  thankYouTitle: string;
  /** Shown when the definition has no thankYou text. */
  thankYouDefault: string;
  surveyClosed: string;
  surveyNotYetOpen: string;
  linkExpired: string;
  /** Single-use link already used for a finished response. */
  linkSpent: string;
  unknownSurvey: string;
  /** Shown when a respondent returns to an unfinished response. */
  resumeNotice: string;
  pageProgress: (current: number, total: number) => string;
  characterLimit: (maxLength: number) => string;
  selectionLimit: (maxSelections: number) => string;
  /** An error summary entry: which question, then what is wrong with it. */
  questionError: (question: string, message: string) => string;
  /** Shown above a follow-up question that applies only after a certain answer (visible when JavaScript cannot hide it). */
  onlyIf: (condition: string) => string;
  /** The parts of `onlyIf`'s condition, with the question's label and the answer's text. */
  conditionText: {
    equals: (question: string, answer: string) => string;
    notEquals: (question: string, answer: string) => string;
    compare: (question: string, symbol: string, value: string) => string;
    answered: (question: string) => string;
    notAnswered: (question: string) => string;
    and: string;
    or: string;
  };
  /** Under the form of an anonymous-link response once its answers are saved: how to come back later. */
  saveNote: string;
  resumeLinkText: string;
  /** The same for a personal invitation, whose own link resumes. */
  saveNoteInvitation: string;
  /** The thank-you page's next steps. */
  thankYouClose: string;
  thankYouContact: string;
  /** Respondent-facing error messages keyed by error code. */
  errors: {
    required: string;
    outOfRange: (min: number, max: number) => string;
    invalidChoice: string;
    tooManySelections: (maxSelections: number) => string;
    tooFewSelections: (minSelections: number) => string;
    tooLong: (maxLength: number) => string;
    hidden: string;
    invalid: string;
  };
};

export const UI_STRINGS: Record<BuiltInLanguage, UiStrings> = {
  "zh-CN": {
    next: "下一页",
    back: "上一页",
    submit: "提交",
    required: "必答",
    optional: "选答",
    yes: "是",
    no: "否",
    errorSummaryTitle: "请修改以下问题后再继续：",
    thankYouTitle: "感谢您的参与！",
    thankYouDefault: "您的回答已提交。感谢您抽出宝贵时间，我们会认真对待每一条反馈。",
    surveyClosed: "本问卷已结束，感谢您的关注。",
    surveyNotYetOpen: "本问卷尚未开始，请稍后再来。",
    linkExpired: "此问卷链接已过期。",
    linkSpent: "此链接已被使用，每个链接只能提交一次。",
    unknownSurvey: "找不到该问卷，请检查链接是否正确。",
    resumeNotice: "欢迎回来！我们已保存您之前的回答，您可以从上次离开的地方继续。",
    pageProgress: (current, total) => `第 ${current} 页，共 ${total} 页`,
    characterLimit: (maxLength) => `最多 ${maxLength} 字`,
    selectionLimit: (maxSelections) => `最多选择 ${maxSelections} 项`,
    questionError: (question, message) => `“${question}”：${message}`,
    onlyIf: (condition) => `仅当${condition}时作答。`,
    conditionText: {
      equals: (question, answer) => `您对“${question}”的回答为“${answer}”`,
      notEquals: (question, answer) => `您对“${question}”的回答不是“${answer}”`,
      compare: (question, symbol, value) => `您对“${question}”的回答 ${symbol} ${value}`,
      answered: (question) => `您回答了“${question}”`,
      notAnswered: (question) => `您未回答“${question}”`,
      and: "且",
      or: "或",
    },
    saveNote: "您的回答会自动保存。如需稍后继续，请收藏或保存此链接：",
    resumeLinkText: "稍后继续填写本问卷",
    saveNoteInvitation: "您的回答会自动保存：稍后再次打开邀请链接即可从中断处继续。",
    thankYouClose: "您现在可以关闭此页面。",
    thankYouContact: "有需要我们专门跟进的问题吗？请在此告诉我们，我们会承诺处理时限并回复您。",
    errors: {
      required: "此题为必答题。",
      outOfRange: (min, max) => `请选择 ${min} 到 ${max} 之间的整数。`,
      invalidChoice: "请从所列选项中选择。",
      tooManySelections: (maxSelections) => `最多只能选择 ${maxSelections} 项。`,
      tooFewSelections: (minSelections) => `请至少选择 ${minSelections} 项。`,
      tooLong: (maxLength) => `回答不能超过 ${maxLength} 字。`,
      hidden: "根据您之前的回答，此题无需作答。",
      invalid: "回答格式无效，请重新填写。",
    },
  },
  en: {
    next: "Next",
    back: "Back",
    submit: "Submit",
    required: "Required",
    optional: "Optional",
    yes: "Yes",
    no: "No",
    errorSummaryTitle: "Please fix the following before continuing:",
    thankYouTitle: "Thank you!",
    thankYouDefault: "Your answers have been submitted. Thank you for your time — we read every response.",
    surveyClosed: "This survey is closed. Thank you for your interest.",
    surveyNotYetOpen: "This survey is not open yet. Please come back later.",
    linkExpired: "This survey link has expired.",
    linkSpent: "This link has already been used; each link can be submitted only once.",
    unknownSurvey: "We could not find this survey. Please check the link.",
    resumeNotice: "Welcome back! We saved your earlier answers, so you can continue where you left off.",
    pageProgress: (current, total) => `Page ${current} of ${total}`,
    characterLimit: (maxLength) => `Up to ${maxLength} characters`,
    selectionLimit: (maxSelections) => `Choose up to ${maxSelections}`,
    questionError: (question, message) => `“${question}”: ${message}`,
    onlyIf: (condition) => `Answer only if ${condition}.`,
    conditionText: {
      equals: (question, answer) => `you answered “${answer}” to “${question}”`,
      notEquals: (question, answer) => `your answer to “${question}” was not “${answer}”`,
      compare: (question, symbol, value) => `your answer to “${question}” was ${symbol} ${value}`,
      answered: (question) => `you answered “${question}”`,
      notAnswered: (question) => `you left “${question}” unanswered`,
      and: "and",
      or: "or",
    },
    saveNote: "Your answers are saved as you go. To finish later, bookmark or copy this link:",
    resumeLinkText: "Continue this survey later",
    saveNoteInvitation: "Your answers are saved as you go: open your invitation link again to continue where you left off.",
    thankYouClose: "You can close this page now.",
    thankYouContact: "Anything you would like us to follow up personally? Tell us here: we will promise a deadline and reply to you.",
    errors: {
      required: "This question is required.",
      outOfRange: (min, max) => `Please choose a whole number from ${min} to ${max}.`,
      invalidChoice: "Please choose one of the listed options.",
      tooManySelections: (maxSelections) => `Please choose at most ${maxSelections}.`,
      tooFewSelections: (minSelections) => `Please choose at least ${minSelections}.`,
      tooLong: (maxLength) => `Please keep your answer to ${maxLength} characters or fewer.`,
      hidden: "Based on your earlier answers, this question does not apply.",
      invalid: "This answer is not valid; please answer again.",
    },
  },
};

/** UI strings for a survey language; languages without built-in chrome fall back to English. */
export function uiStringsFor(language: string): UiStrings {
  const match = matchLanguage(language, Object.keys(UI_STRINGS)) as BuiltInLanguage | undefined;
  return UI_STRINGS[match ?? "en"];
}

/** Respondent-facing rendering of an answer error (the `message` field is for API clients). */
export function formatAnswerError(error: AnswerError, strings: UiStrings): string {
  const params = error.params ?? {};
  switch (error.code) {
    case "required":
      return strings.errors.required;
    case "wrong_type":
    case "not_integer":
    case "out_of_range":
      return params.min !== undefined && params.max !== undefined
        ? strings.errors.outOfRange(params.min, params.max)
        : strings.errors.invalid;
    case "unknown_option":
      return strings.errors.invalidChoice;
    case "too_many_selections":
      return params.maxSelections !== undefined ? strings.errors.tooManySelections(params.maxSelections) : strings.errors.invalid;
    case "too_few_selections":
      return params.minSelections !== undefined ? strings.errors.tooFewSelections(params.minSelections) : strings.errors.invalid;
    case "too_long":
      return params.maxLength !== undefined ? strings.errors.tooLong(params.maxLength) : strings.errors.invalid;
    case "hidden_item":
      return strings.errors.hidden;
    default:
      return strings.errors.invalid;
  }
}
