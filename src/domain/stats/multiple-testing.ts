/**
 * Holm's step-down adjustment of p-values for a family of tests (Holm, S. (1979), "A simple
 * sequentially rejective multiple test procedure", Scandinavian Journal of Statistics 6(2), 65–70).
 *
 * Ordered p(1) ≤ … ≤ p(m): adjusted p(i) = max over j ≤ i of min(1, (m − j + 1)·p(j)). Rejecting
 * every hypothesis whose adjusted p ≤ α keeps the family-wise error rate at α under any dependence
 * between the tests, which matters here: every "segment vs the rest" test shares its rows with the
 * others. Uniformly more powerful than Bonferroni (m·p).
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  for (const p of pValues) if (!(p >= 0 && p <= 1)) throw new RangeError(`a p-value must be in [0, 1], got ${p}`);
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p || a.index - b.index);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}
