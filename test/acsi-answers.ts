// Plain data, no Worker imports: used by the workerd tests and the Node start-up test alike.
/** A complete, valid answer set for the ACSI template. */
export function acsiAnswers(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ce_overall: 8, ce_custom: 7, ce_reliability: 8,
    pq_overall: 8, pq_custom: 7, pq_reliability: 9,
    pv_price_given_quality: 7, pv_quality_given_price: 7,
    sat_overall: 8, sat_expectations: 7, sat_ideal: 7,
    complained: false,
    loy_repurchase: 8, loy_price_increase: 6, loy_price_decrease: 6,
    nps: 9, sat_level: 4, comment: "Fine.",
    ...overrides,
  };
}
