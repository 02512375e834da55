/**
 * Abuse protection and security headers (docs/limits.md lists each limit and header):
 *  - every kind of Worker response (JSON, problem+json, server-rendered HTML, better-auth's own
 *    responses) carries CSP without 'unsafe-inline', frame-ancestors 'none', HSTS, a referrer
 *    policy, nosniff and X-Frame-Options; the HTML pages really contain no inline script or style,
 *    so that CSP breaks nothing;
 *  - the per-IP rate limit answers 429 problem+json with Retry-After, per IP only;
 *  - body size caps at exactly the documented limits;
 *  - text a respondent sends is escaped where the server renders it again.
 * The static staff app (/app/, Workers static assets, headers from web/public/_headers) is checked
 * against wrangler dev in test/browser/escaping.walk.ts.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "./helpers";
import { directCall as call, directSubmit, jsonInit as json, publishedSurvey } from "./direct";
import { acsiAnswers, newSubmissionId } from "./fixtures";
import { ensureOrganisation } from "../../src/seed/organisations";
import { createApiKey } from "../../src/db/queries/api-keys";
import { MAX_BODY_BYTES, MAX_PUBLIC_BODY_BYTES } from "../../src/lib/http";

let key: string;
let survey: { id: string; slug: string };
let cookie: string;

beforeAll(async () => {
  const { organizationId, userIds } = await ensureOrganisation(env, db(), {
    name: "Security org",
    slug: "sec",
    timeZone: "UTC",
    members: [{ email: "owner@sec.test", name: "Owner", password: "correct horse battery", role: "owner" }],
  });
  key = (await createApiKey(db(), { kind: "user", id: userIds["owner@sec.test"]!, name: "Owner", organizationId, role: "owner" }, { name: "sec", role: "admin" })).key;
  survey = await publishedSurvey(key, "sec-acsi", { accessMode: "both" });
  const signIn = await call("/api/auth/sign-in/email", json("POST", { email: "owner@sec.test", password: "correct horse battery" }));
  expect(signIn.status).toBe(200);
  cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
});

function expectSecurityHeaders(res: Response, label: string) {
  const h = res.headers;
  const csp = h.get("content-security-policy") ?? "";
  expect(csp, `${label}: CSP`).toMatch(/default-src 'self'/);
  expect(csp, `${label}: CSP`).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(csp, `${label}: CSP script-src`).toMatch(/script-src 'self'(;|$)/);
  expect(csp, `${label}: CSP style-src`).toMatch(/style-src 'self'(;|$)/);
  expect(csp, `${label}: frame-ancestors`).toContain("frame-ancestors 'none'");
  expect(csp, `${label}: object-src`).toContain("object-src 'none'");
  expect(csp, `${label}: base-uri`).toContain("base-uri 'none'");
  const hsts = /max-age=(\d+)/.exec(h.get("strict-transport-security") ?? "");
  expect(Number(hsts?.[1] ?? 0), `${label}: HSTS max-age`).toBeGreaterThanOrEqual(15_552_000);
  expect(h.get("strict-transport-security"), label).toContain("includeSubDomains");
  expect(h.get("referrer-policy"), label).toMatch(/^(strict-origin-when-cross-origin|no-referrer|same-origin|strict-origin)$/);
  expect(h.get("x-content-type-options"), label).toBe("nosniff");
  expect(h.get("x-frame-options"), label).toBe("DENY");
  expect(h.get("access-control-allow-origin"), `${label}: no wildcard CORS`).not.toBe("*");
}

function expectNoInlineCode(html: string, label: string) {
  // Inline <script> blocks, event-handler attributes, style attributes or <style> blocks would be
  // blocked by the CSP (and would mean the page relies on 'unsafe-inline').
  expect(html, `${label}: inline script`).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html, `${label}: event handler attribute`).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
  expect(html, `${label}: style attribute`).not.toMatch(/<[a-z][^>]*\sstyle=/i);
  expect(html, `${label}: <style> block`).not.toMatch(/<style[\s>]/i);
}

describe("security headers on every kind of Worker response", () => {
  it("API JSON, problem+json, staff responses and better-auth's own responses", async () => {
    const cases: [string, Promise<Response>][] = [
      ["GET /healthz", call("/healthz")],
      ["404 problem", call("/api/no-such-route")],
      ["public definition", call(`/api/public/surveys/${survey.slug}`)],
      ["staff JSON (API key)", call("/api/me", { headers: { authorization: `Bearer ${key}` } })],
      ["staff JSON (session)", call("/api/me", { headers: { cookie } })],
      ["401 problem", call("/api/me")],
      ["422 problem", directSubmit(survey.slug, { submissionId: "bad" })],
      ["OpenAPI document", call("/api/openapi.json")],
      ["better-auth get-session", call("/api/auth/get-session", { headers: { cookie } })],
      ["better-auth failed sign-in", call("/api/auth/sign-in/email", json("POST", { email: "owner@sec.test", password: "wrong password!" }))],
    ];
    for (const [label, promise] of cases) {
      const res = await promise;
      expectSecurityHeaders(res, label);
      await res.arrayBuffer();
    }
  });

  it("server-rendered survey and complaint pages, with no inline script or style for the CSP to block", async () => {
    const pages = [`/s/${survey.slug}?lang=en`, `/s/${survey.slug}?lang=zh-CN`, "/s/no-such-survey", "/complaints/new?org=sec"];
    for (const path of pages) {
      const res = await call(path);
      expect(res.status, path).toBeLessThan(500);
      expectSecurityHeaders(res, path);
      const type = res.headers.get("content-type") ?? "";
      if (type.includes("text/html")) expectNoInlineCode(await res.text(), path);
      else await res.arrayBuffer();
    }
  });

  it("session cookies are HttpOnly and SameSite", async () => {
    const res = await call("/api/auth/sign-in/email", json("POST", { email: "owner@sec.test", password: "correct horse battery" }));
    const cookies = res.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies.filter((c) => /session_token/i.test(c))) {
      expect(c).toMatch(/HttpOnly/i);
      expect(c).toMatch(/SameSite=(Lax|Strict)/i);
    }
  });
});

describe("rate limits (Workers Rate Limiting binding, wrangler.toml)", () => {
  it("answers 429 problem+json with Retry-After once one IP exceeds 120 submissions a minute, and only for that IP", async () => {
    const ip = "203.0.113.99";
    const statuses: number[] = [];
    let limited: Response | undefined;
    // Sequential, partial saves (cheap); the limiter counts requests that pass validation. Its windows
    // are fixed minutes (Miniflare: floor(now / 60 s)), so a burst that crosses a minute boundary
    // starts counting again: up to 2 × 120 + 1 requests put more than 120 in one window whatever the clock.
    for (let i = 0; i < 241 && !limited; i++) {
      const res = await directSubmit(survey.slug, { submissionId: newSubmissionId(), answers: { ce_overall: 5 }, complete: false }, { "cf-connecting-ip": ip });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(limited, `statuses: ${statuses.join(",")}`).toBeDefined();
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(100);
    expect(limited!.headers.get("content-type")).toContain("application/problem+json");
    expect(limited!.headers.get("retry-after")).toBe("60");
    const problem = (await limited!.json()) as { status: number; type: string };
    expect(problem.status).toBe(429);
    expect(problem.type).toBe("/problems/rate-limited");
    // The same IP is refused on the server-rendered form too; another IP is not affected.
    const form = await call(`/s/${survey.slug}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": ip },
      body: new URLSearchParams({ _submission: newSubmissionId(), _page: "p_expectations" }).toString(),
    });
    expect(form.status).toBe(429);
    const other = await directSubmit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true }, { "cf-connecting-ip": "203.0.113.100" });
    expect(other.status).toBe(201);
  }, 60_000);
});

describe("body size caps", () => {
  async function sized(path: string, bytes: number, headers: Record<string, string> = {}) {
    // A JSON string padded to exactly `bytes` bytes.
    const base = JSON.stringify({ submissionId: newSubmissionId(), answers: { comment: "" }, complete: false });
    const body = base.replace('"comment":""', `"comment":"${"x".repeat(bytes - base.length)}"`);
    expect(new TextEncoder().encode(body).length).toBe(bytes);
    return call(path, { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": "198.18.0.1", ...headers }, body });
  }

  it(`public submit: ${MAX_PUBLIC_BODY_BYTES} bytes are read, one more byte is 413`, async () => {
    const path = `/api/public/surveys/${survey.slug}/responses`;
    const at = await sized(path, MAX_PUBLIC_BODY_BYTES);
    expect(at.status).not.toBe(413);
    expect(at.status).toBeLessThan(500);
    const over = await sized(path, MAX_PUBLIC_BODY_BYTES + 1);
    expect(over.status).toBe(413);
    expect(over.headers.get("content-type")).toContain("application/problem+json");
  });

  it("server-rendered public forms (survey page, complaint form) refuse bodies over the public limit", async () => {
    const big = new URLSearchParams({ _submission: newSubmissionId(), comment: "x".repeat(MAX_PUBLIC_BODY_BYTES) }).toString();
    for (const path of [`/s/${survey.slug}`, "/complaints/new?org=sec"]) {
      const declared = await call(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.18.0.3" }, body: big });
      expect(declared.status, path).toBe(413);
      const bytes = new TextEncoder().encode(big);
      const streamed = await call(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.18.0.3" },
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes);
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
      expect(streamed.status, `${path} streamed`).toBe(413);
    }
  });

  it("stops reading a streamed (chunked) body at the limit instead of buffering all of it", async () => {
    const chunk = new Uint8Array(65_536).fill(0x78);
    let pulled = 0;
    const total = 64 * chunk.length; // 4 MiB offered, 16 × the public limit
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await call(`/api/public/surveys/${survey.slug}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "198.18.0.4" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    // A few chunks of read-ahead at most, not the whole 4 MiB.
    expect(pulled).toBeLessThan(MAX_PUBLIC_BODY_BYTES + 8 * chunk.length);
  });

  it(`staff API: ${MAX_BODY_BYTES} bytes are read, one more byte is 413`, async () => {
    const auth = { authorization: `Bearer ${key}` };
    const at = await sized("/api/surveys", MAX_BODY_BYTES, auth);
    expect(at.status).toBe(422);
    const over = await sized("/api/surveys", MAX_BODY_BYTES + 1, auth);
    expect(over.status).toBe(413);
    expect(over.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("respondent text is escaped where the server renders it", () => {
  const PAYLOAD = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

  it("in a hidden field value echoed into the survey page", async () => {
    const res = await call(`/s/${survey.slug}?lang=en&touchpoint=${encodeURIComponent(PAYLOAD)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain(PAYLOAD);
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toMatch(/<img src=x/);
    expectNoInlineCode(html, "survey page with hostile hidden field");
  });

  it("in an answer re-rendered on the page with errors", async () => {
    // Walk to the page with the free-text comment, then post it with a required answer missing.
    let res = await call(`/s/${survey.slug}?lang=en`);
    for (let guard = 0; guard < 12; guard++) {
      const html = await res.text();
      const hidden: Record<string, string> = {};
      for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) hidden[m[1]!] = m[2]!;
      const names = [...new Set([...html.matchAll(/<(?:input|textarea)[^>]* name="([a-z][a-z0-9_]*)"/g)].map((m) => m[1]!))];
      if (names.includes("comment")) {
        const posted = await call(`/s/${survey.slug}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.18.0.2" },
          body: new URLSearchParams({ ...hidden, _action: "next", comment: PAYLOAD }).toString(),
        });
        const page = await posted.text();
        if (posted.status === 422) {
          expect(page).not.toContain(PAYLOAD);
          // The value is kept in the textarea as text: "<" escaped, so no element can start.
          expect(page).toContain("&lt;script>alert(&quot;x&quot;)&lt;/script>&lt;img src=x onerror=alert(1)>");
          expect(page).not.toMatch(/<script>alert|<img src=x/);
          expectNoInlineCode(page, "re-rendered page");
          return;
        }
        throw new Error(`expected the page with errors, got ${posted.status}`);
      }
      const answers = acsiAnswers() as Record<string, unknown>;
      const fields: Record<string, string> = { ...hidden, _action: "next" };
      for (const name of names) if (answers[name] !== undefined) fields[name] = typeof answers[name] === "boolean" ? (answers[name] ? "yes" : "no") : String(answers[name]);
      const next = await call(`/s/${survey.slug}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": "198.18.0.2" },
        body: new URLSearchParams(fields).toString(),
        redirect: "manual",
      });
      expect(next.status).toBe(303);
      res = await call(next.headers.get("location")!);
    }
    throw new Error("no page with the comment field");
  });
});
