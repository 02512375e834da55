/** What the ingest benchmarks send and how they summarise rounds (bench:ingest, bench:shards). */

export function randomInt(lo: number, hi: number): number {
  return lo + Math.floor(Math.random() * (hi - lo + 1));
}

/** The median of the rounds' figures (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A complete ACSI answer set with some spread, as one public submit body: `complaintShare` of them
 * say they complained (with a detail, so the follow-up opens a complaint).
 */
export function acsiSubmissionBody(
  submissionId: string,
  options: { hidden: Record<string, string>; token?: string; complaintShare?: number },
): string {
  const base = randomInt(4, 9);
  const r = () => Math.min(10, Math.max(1, base + randomInt(-2, 2)));
  const complained = Math.random() < (options.complaintShare ?? 0.15);
  return JSON.stringify({
    submissionId,
    ...(options.token ? { token: options.token } : {}),
    language: "en",
    complete: true,
    hidden: options.hidden,
    answers: {
      ce_overall: r(), ce_custom: r(), ce_reliability: r(),
      pq_overall: r(), pq_custom: r(), pq_reliability: r(),
      pv_price_given_quality: r(), pv_quality_given_price: r(),
      sat_overall: r(), sat_expectations: r(), sat_ideal: r(),
      complained,
      ...(complained ? { complaint_detail: "Delivery was late." } : {}),
      loy_repurchase: r(), loy_price_increase: r(), loy_price_decrease: r(),
      nps: Math.min(10, Math.max(0, base + randomInt(-2, 1))), sat_level: randomInt(1, 5), comment: "Benchmark response.",
    },
  });
}
