/**
 * Advisory checks of a survey's measurement design against the seeds' list of satisfaction
 * measurement pitfalls (seeds digest A13, source 001 L33, slide ~50) and the sampling reference
 * of ~250 customers per company (A1). These never block saving or publishing; the designer UI
 * shows them next to the plan.
 */
import { listAnswerSlots, type SurveyDefinition } from "./definition";

export type PlanAdvisoryCode =
  | "no_measurement_plan"
  | "no_benchmark"
  | "former_customers_not_sampled"
  | "small_sample"
  | "satisfaction_without_loyalty";

export type PlanAdvisory = { code: PlanAdvisoryCode; message: string };

/** Per-company sample size in the ACSI (seeds digest A1). */
export const REFERENCE_SAMPLE_SIZE = 250;

export function reviewMeasurementPlan(definition: SurveyDefinition): PlanAdvisory[] {
  const advisories: PlanAdvisory[] = [];
  const plan = definition.measurementPlan;
  if (!plan) {
    advisories.push({
      code: "no_measurement_plan",
      message: "No measurement plan: state the purpose, the target customers and the sample size before fielding the survey.",
    });
  } else {
    if (plan.benchmarkIndex === undefined) {
      advisories.push({
        code: "no_benchmark",
        message: "No competitor or industry benchmark: results cannot be compared with competitors (measurement pitfall 4).",
      });
    }
    if (!plan.includesFormerCustomers) {
      advisories.push({
        code: "former_customers_not_sampled",
        message: "Former customers are not sampled: satisfaction of lost customers goes unmeasured (measurement pitfall 5).",
      });
    }
    if (plan.samplingPlan.targetN < REFERENCE_SAMPLE_SIZE) {
      advisories.push({
        code: "small_sample",
        message: `Target sample of ${plan.samplingPlan.targetN} is below the ~${REFERENCE_SAMPLE_SIZE} responses per company used by the ACSI; segment-level results will be noisy.`,
      });
    }
  }
  const constructs = new Set(listAnswerSlots(definition).map((slot) => slot.construct));
  if (constructs.has("satisfaction") && !constructs.has("loyalty")) {
    advisories.push({
      code: "satisfaction_without_loyalty",
      message: "Satisfaction is measured but loyalty is not: satisfaction and loyalty are different things and should be reported separately (measurement pitfall 6).",
    });
  }
  return advisories;
}
