/**
 * Fixed answer scales shared by survey items, templates and metrics.
 */
import { z } from "zod";
import type { LocalizedText } from "./localization";

/**
 * Named rating scales. A preset pins the range so analytics can rely on it (an item tagged
 * `nps` must be 0-10 for promoter/detractor cut-offs to mean anything):
 * - acsi10: ACSI/ECSI manifest items are 1-10 (peers-and-methods §B ACSI; seeds digest A1).
 * - nps: 0-10 "likelihood to recommend" (peers-and-methods §B NPS).
 * - csat5: 1-5, CSAT = share of 4-5 (peers-and-methods §B CSAT).
 * - ces7: CES 2.0, 1 = strongly disagree … 7 = strongly agree (peers-and-methods §B CES).
 */
export const RATING_PRESETS = {
  acsi10: { min: 1, max: 10 },
  nps: { min: 0, max: 10 },
  csat5: { min: 1, max: 5 },
  ces7: { min: 1, max: 7 },
} as const satisfies Record<string, { min: number; max: number }>;

export const RatingPresetSchema = z.enum(["acsi10", "nps", "csat5", "ces7"]);
export type RatingPreset = z.infer<typeof RatingPresetSchema>;

export type ScaleBounds = { min: number; max: number };

/**
 * The seeds' labelled five-level satisfaction scale (seeds digest A6, source 001 L28, slide ~41:
 * 很不滿意 / 不滿意 / 一般 / 滿意 / 很滿意), stored as 1..5. The seed gives Traditional Chinese;
 * the Simplified forms are used here because zh-CN is the product's Chinese locale. The seed's
 * "main characteristics" column is kept as `characteristics` for help texts and complaint routing
 * (levels 1-2 imply complaint / negative word-of-mouth risk, 4-5 imply advocacy).
 */
export const SATISFACTION_LEVELS = [
  {
    value: 1,
    key: "very_dissatisfied",
    label: { "zh-CN": "很不满意", en: "Very dissatisfied" },
    characteristics: { "zh-CN": "愤慨、恼怒、投诉、反宣传", en: "Indignation, anger, complaints, negative word of mouth" },
  },
  {
    value: 2,
    key: "dissatisfied",
    label: { "zh-CN": "不满意", en: "Dissatisfied" },
    characteristics: { "zh-CN": "气愤、烦恼", en: "Anger, annoyance" },
  },
  {
    value: 3,
    key: "neutral",
    label: { "zh-CN": "一般", en: "Neutral" },
    characteristics: { "zh-CN": "无明显的抱怨或赞同感", en: "No obvious complaint or approval" },
  },
  {
    value: 4,
    key: "satisfied",
    label: { "zh-CN": "满意", en: "Satisfied" },
    characteristics: { "zh-CN": "称心、赞扬、愉快", en: "Content, praise, pleasure" },
  },
  {
    value: 5,
    key: "very_satisfied",
    label: { "zh-CN": "很满意", en: "Very satisfied" },
    characteristics: { "zh-CN": "激动、满足、感谢", en: "Excitement, fulfilment, gratitude" },
  },
] as const satisfies ReadonlyArray<{ value: number; key: string; label: LocalizedText; characteristics: LocalizedText }>;

export type SatisfactionLevel = (typeof SATISFACTION_LEVELS)[number];
export type SatisfactionLevelKey = SatisfactionLevel["key"];

export const SATISFACTION5_BOUNDS: ScaleBounds = { min: 1, max: 5 };

/** Yes/no answers are stored as booleans and enter statistics as 1 (yes) / 0 (no). */
export const YES_NO_BOUNDS: ScaleBounds = { min: 0, max: 1 };
