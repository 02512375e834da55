/**
 * Calls the Worker's fetch handler directly (with a fresh ExecutionContext) instead of through
 * `exports.default.fetch`. Under @cloudflare/vitest-pool-workers every `exports.default`/`SELF`
 * fetch makes the next one slower (cloudflare/workers-sdk#15446: measured here 3 ms → 72 ms per
 * /healthz after 400 calls), which makes request-heavy tests (fuzzing, the permission matrix)
 * quadratic. The direct call stays flat (~0.3 ms) and runs the same app, middleware and bindings.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { ORIGIN } from "./helpers";

export async function directCall(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("origin")) headers.set("origin", ORIGIN);
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers }) as never, env as never, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export const jsonInit = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** createPublishedSurvey of fixtures.ts, over the direct call. */
export async function publishedSurvey(key: string, slug: string, extra: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
  const auth = { authorization: `Bearer ${key}` };
  const created = await directCall("/api/surveys", jsonInit("POST", { slug, template: "acsi", ...extra }, auth));
  if (created.status !== 201) throw new Error(`create survey: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const published = await directCall(`/api/surveys/${id}/publish`, { method: "POST", headers: auth });
  if (published.status !== 200) throw new Error(`publish: ${published.status} ${await published.text()}`);
  return { id, slug };
}

/** submit of fixtures.ts (a random client IP per call, so the per-IP limit does not interfere), over the direct call. */
export function directSubmit(slug: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return directCall(`/api/public/surveys/${slug}/responses`, jsonInit("POST", body, { "cf-connecting-ip": ip, ...headers }));
}
