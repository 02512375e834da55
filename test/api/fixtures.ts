import { bearer, call, json } from "./helpers";

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

export async function createPublishedSurvey(key: string, slug: string, extra: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
  const created = await call("/api/surveys", json("POST", { slug, template: "acsi", ...extra }, bearer(key)));
  if (created.status !== 201) throw new Error(`create survey: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const published = await call(`/api/surveys/${id}/publish`, { method: "POST", headers: bearer(key) });
  if (published.status !== 200) throw new Error(`publish: ${published.status} ${await published.text()}`);
  return { id, slug };
}

export function submit(slug: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call(`/api/public/surveys/${slug}/responses`, json("POST", body, { "cf-connecting-ip": `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, ...headers }));
}

export const newSubmissionId = () => crypto.randomUUID();
