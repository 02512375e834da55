import { bearer, call, json } from "./helpers";

export { acsiAnswers } from "../acsi-answers";

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
