// The benchmark's baseline: the least a submit endpoint can do. It parses and validates the same
// JSON body as the real endpoint (shape, id format, answer types and sizes) and inserts one row
// into D1, idempotent on (survey, submissionId). No survey lookup, no token, no statistics.
const ID = /^[A-Za-z0-9_-]{8,100}$/;
const SLUG = /^\/api\/public\/surveys\/([a-z0-9][a-z0-9-]{1,62})\/responses$/;

function problem(status, detail) {
  return new Response(JSON.stringify({ type: "about:blank", title: "error", status, detail }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });
}

function validate(body) {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "body must be an object";
  if (typeof body.submissionId !== "string" || !ID.test(body.submissionId)) return "submissionId";
  if (body.token !== undefined && (typeof body.token !== "string" || body.token.length < 8 || body.token.length > 200)) return "token";
  if (typeof body.complete !== "boolean") return "complete";
  if (body.language !== undefined && (typeof body.language !== "string" || body.language.length > 35)) return "language";
  if (typeof body.answers !== "object" || body.answers === null || Array.isArray(body.answers)) return "answers";
  const entries = Object.entries(body.answers);
  if (entries.length > 64) return "too many answers";
  for (const [key, value] of entries) {
    if (key.length > 64) return "answer key";
    if (typeof value === "number" ? !Number.isFinite(value) || value < 0 || value > 10 : typeof value === "string" ? value.length > 5000 : typeof value !== "boolean")
      return `answers.${key}`;
  }
  if (body.hidden !== undefined) {
    if (typeof body.hidden !== "object" || body.hidden === null) return "hidden";
    for (const [key, value] of Object.entries(body.hidden)) if (key.length > 64 || typeof value !== "string" || value.length > 1000) return `hidden.${key}`;
  }
  return null;
}

export default {
  async fetch(request, env) {
    const match = SLUG.exec(new URL(request.url).pathname);
    if (!match || request.method !== "POST") return problem(404, "not found");
    let body;
    try {
      body = await request.json();
    } catch {
      return problem(400, "invalid JSON");
    }
    const error = validate(body);
    if (error) return problem(422, error);
    const id = `rsp_${crypto.randomUUID()}`;
    const now = Date.now();
    const result = await env.DB.prepare(
      `INSERT INTO baseline_responses (id, survey_slug, submission_id, answers, hidden, status, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (survey_slug, submission_id) DO NOTHING`,
    )
      .bind(id, match[1], body.submissionId, JSON.stringify(body.answers), JSON.stringify(body.hidden ?? {}), body.complete ? "completed" : "partial", now)
      .run();
    if (result.meta.changes > 0) return Response.json({ id, status: body.complete ? "completed" : "partial" }, { status: 201 });
    const existing = await env.DB.prepare("SELECT id, status FROM baseline_responses WHERE survey_slug = ?1 AND submission_id = ?2")
      .bind(match[1], body.submissionId)
      .first();
    return Response.json(existing, { status: 200 });
  },
};
