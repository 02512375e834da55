/**
 * Headline survey metrics computed from an item's integer value histogram (`valueCounts` in
 * ItemMoments), so dashboards never need the raw responses. Definitions follow the common
 * industry conventions (see docs/statistics.md).
 */

export type ValueCounts = Readonly<Record<string, number>>;

function entries(counts: ValueCounts): Array<[number, number]> {
  return Object.entries(counts).map(([value, count]) => [Number(value), count]);
}

export function countResponses(counts: ValueCounts): number {
  return entries(counts).reduce((total, [, count]) => total + count, 0);
}

/** Mean answer, or null when nobody answered. */
export function meanFromCounts(counts: ValueCounts): number | null {
  const total = countResponses(counts);
  if (total === 0) return null;
  return entries(counts).reduce((sum, [value, count]) => sum + value * count, 0) / total;
}

/** Share (0..100) of answers with value ≥ `minimum`, e.g. top-2-box on 1..5 is minimum 4. */
export function topBoxShare(counts: ValueCounts, minimum: number): number | null {
  const total = countResponses(counts);
  if (total === 0) return null;
  const top = entries(counts).reduce((sum, [value, count]) => sum + (value >= minimum ? count : 0), 0);
  return (100 * top) / total;
}

/** Net Promoter Score on a 0..10 item: % promoters (9-10) − % detractors (0-6), in [−100, 100]. */
export function netPromoterScore(counts: ValueCounts): number | null {
  const total = countResponses(counts);
  if (total === 0) return null;
  let promoters = 0;
  let detractors = 0;
  for (const [value, count] of entries(counts)) {
    if (value >= 9) promoters += count;
    else if (value <= 6) detractors += count;
  }
  return (100 * (promoters - detractors)) / total;
}
