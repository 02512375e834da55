/**
 * Demo answers for the loyalty-model items of the "ACSI + loyalty model" survey, added to a
 * simulated ACSI response. Customers with low satisfaction are more likely to be former customers
 * (they left) and answer the attraction and participation items lower; potential customers have not
 * bought yet, so they answer only the expectation, attraction, participation and recommendation
 * items. Illustrative only: the seed gives no data for these items.
 */
import type { Answers } from "../survey/answers";
import type { RespondentStatus } from "../loyalty/stats";
import type { UniformRandom } from "../stats/random";

/** Items a customer can answer only after buying (experience, value, satisfaction, complaints, loyalty). */
const EXPERIENCE_ITEMS = [
  "pq_overall",
  "pq_custom",
  "pq_reliability",
  "pv_price_given_quality",
  "pv_quality_given_price",
  "sat_overall",
  "sat_expectations",
  "sat_ideal",
  "complained",
  "complaint_detail",
  "loy_repurchase",
  "loy_price_increase",
  "loy_price_decrease",
  "sat_level",
];

const COMMENTS = ["希望能有更多的会员活动。", "Delivery could be faster.", "店员很热情。", "Please keep the old packaging, it was easier to open.", "价格有点贵。"];

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));

/** Adds the loyalty-model answers to `answers` (mutated) and returns the respondent's status. */
export function addDemoLoyaltyAnswers(answers: Answers, random: UniformRandom): RespondentStatus {
  const satisfaction = typeof answers.sat_overall === "number" ? answers.sat_overall : 7;
  const noise = (spread: number) => (random() - 0.5) * spread;
  const draw = random();
  const formerShare = satisfaction <= 5 ? 0.45 : satisfaction <= 7 ? 0.18 : 0.05;
  const status: RespondentStatus = draw < 0.12 ? "potential" : draw < 0.12 + formerShare ? "former" : "current";

  if (status === "potential") {
    for (const id of EXPERIENCE_ITEMS) delete answers[id];
    answers.att_choose_again = clamp(6 + noise(4), 1, 10);
    answers.att_interest = clamp(6.5 + noise(5), 1, 10);
    answers.par_feedback = clamp(5 + noise(5), 1, 10);
    answers.par_codesign = clamp(4 + noise(5), 1, 10);
    answers.par_panel = random() < 0.15;
  } else {
    const left = status === "former" ? 2.5 : 0;
    answers.att_choose_again = clamp(satisfaction - left + noise(3), 1, 10);
    answers.att_interest = clamp(0.6 * satisfaction + 2.5 - left + noise(3), 1, 10);
    answers.par_feedback = clamp(0.5 * satisfaction + 3 - left / 2 + noise(4), 1, 10);
    answers.par_codesign = clamp(0.4 * satisfaction + 2.5 - left / 2 + noise(4), 1, 10);
    answers.par_panel = random() < (status === "former" ? 0.05 : 0.1 + 0.03 * satisfaction);
    if (status === "former") {
      if (typeof answers.nps === "number") answers.nps = clamp(answers.nps - 2, 0, 10);
      if (typeof answers.loy_repurchase === "number") answers.loy_repurchase = clamp(answers.loy_repurchase - 2, 1, 10);
    }
  }
  if (random() < (status === "former" ? 0.35 : 0.25)) answers.comment = COMMENTS[Math.floor(random() * COMMENTS.length)]!;
  return status;
}
