/**
 * Property-based fuzzing (fast-check, fixed seeds) of every public endpoint (from the OpenAPI
 * document, plus the server-rendered pages) and every staff endpoint in staffRouteRegistry, called
 * with an owner API key: malformed JSON, random JSON with hostile strings and unknown fields, fields
 * named as in the route's own schema with wrong types, deep nesting, bodies over the documented
 * limits, hostile path parameters and query strings.
 *
 * Invariants: never a 5xx; every 4xx from an API route is application/problem+json whose `status`
 * matches; bodies over the limit → 413. Runs are small per endpoint so the file stays fast; the
 * registry is read at run time, so routes added later are fuzzed too.
 */
import fc from "fast-check";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, db } from "./helpers";
import { directCall as call, directSubmit as submit, publishedSurvey as createPublishedSurvey } from "./direct";
import { acsiAnswers, newSubmissionId } from "./fixtures";
import { ensureOrganisation } from "../../src/seed/organisations";
import { createApiKey } from "../../src/db/queries/api-keys";
import { staffRouteRegistry, type StaffRouteInfo } from "../../src/auth/principal";
import { MAX_BODY_BYTES, MAX_PUBLIC_BODY_BYTES } from "../../src/lib/http";
import "../../src/index";

const SEED = 20261126;
/** Runs per endpoint and category: small, fixed seed, so the whole file stays within seconds. */
const RUNS = { body: 4, path: 4, query: 3 };
/** Malformed bodies: each endpoint gets a rotating subset, so every variant hits many endpoints. */
const MALFORMED = ["{", "{\"a\":", "[1,2", "nul", "\"unterminated", "{\"a\":1}}", "\u0000", "{'single':'quotes'}", "", "1e99999"];
const MALFORMED_PER_ENDPOINT = 4;

// ---------------------------------------------------------------- arbitraries

/** Strings that have broken web apps before: injection, markup, encodings, unicode edge cases. */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE responses; --",
  "\" OR \"1\"=\"1",
  "' UNION SELECT key_hash FROM api_keys --",
  "Robert'); DROP TABLE surveys;--",
  "<script>alert(1)</script>",
  "</textarea><script>alert(document.cookie)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "\"><svg/onload=alert(1)>",
  "{{constructor.constructor('alert(1)')()}}",
  "${7*7}",
  "../../../../etc/passwd",
  "%00",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83dy",
  "\u202eevil\u202c",
  "مرحبا بالعالم",
  "\u200b\u200c\u200d\ufeff",
  "😀🏳️‍🌈👩‍👩‍👧‍👦",
  "Z̸̡̛͚̹̙͓̝̲͎̳̖̀͒̉͐̊̾͊a̷l̶g̴o",
  "__proto__",
  "constructor",
  "\r\nSet-Cookie: x=1",
  "\\",
  "%s%s%n",
  "null",
  "-1",
  "1e309",
  "",
  " ",
  "x".repeat(5001),
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(fc.constantFrom("<", ">", "'", "\"", "&", "\u0000", "\u202e", "😀"), loneSurrogate, fc.string({ minLength: 1, maxLength: 1 })), maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

const scalar = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1, true, false, null),
);

const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileString, tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** An object using the route's own field names (from its OpenAPI schema) with wrong or hostile values, plus unknown fields. */
function bodyFor(fields: string[]): fc.Arbitrary<unknown> {
  const known = fields.length > 0 ? fc.dictionary(fc.constantFrom(...fields), jsonish, { maxKeys: fields.length }) : fc.constant({});
  return fc.oneof(
    jsonish,
    fc.tuple(known, fc.dictionary(hostileString, jsonish, { maxKeys: 2 })).map(([a, b]) => ({ ...b, ...a })),
    known,
  );
}

/** Raw path segments: hostile strings percent-encoded, and broken encodings sent as they are. */
const pathSegment: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((s) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return "%ED%A0%80"; // a lone surrogate as UTF-8 bytes: invalid
    }
  }),
  fc.constantFrom("%", "%E0%A4%A", "%ED%A0%80", "%00", "%2F..%2F", "..", "%25", "a%20b", "x".repeat(300), "0", "-1", "null"),
);

const queryString: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.oneof(hostileString, fc.constantFrom("from", "to", "page", "pageSize", "status", "by", "interval", "scheme", "hidden.touchpoint", "touchpoint", "q", "state", "sort", "limit", "cursor")), fc.oneof(hostileString, fc.constantFrom("-1", "0", "99999999999", "2026-13-45", "1e9", "NaN", "[]"))), { maxLength: 4 })
  .map((pairs) =>
    pairs
      .map(([k, v]) => {
        const enc = (s: string) => {
          try {
            return encodeURIComponent(s);
          } catch {
            return "%ED%A0%80";
          }
        };
        return `${enc(k)}=${enc(v)}`;
      })
      .join("&"),
  );

// ---------------------------------------------------------------- checks

type Endpoint = { method: string; path: string; api: boolean; staff: boolean; fields: string[] };

function jsonBody(value: unknown): string {
  // JSON.stringify escapes lone surrogates (\ud800), so they reach the server as valid JSON escapes.
  return JSON.stringify(value) ?? "null";
}

async function expectSane(res: Response, label: string, endpoint: Endpoint): Promise<void> {
  const text = await res.text();
  expect(res.status, `${label} → ${res.status}: ${text.slice(0, 400)}`).toBeLessThan(500);
  if (res.status >= 400 && endpoint.api) {
    expect(res.headers.get("content-type"), `${label} → ${res.status} without problem+json: ${text.slice(0, 200)}`).toContain("application/problem+json");
    const problem = JSON.parse(text) as { status: number; type: string; title: string };
    expect(problem.status, label).toBe(res.status);
    expect(typeof problem.type).toBe("string");
    expect(typeof problem.title).toBe("string");
  }
}

let ownerKey: string;
let surveyId: string;
let surveySlug: string;
let endpoints: Endpoint[];
const randomIp = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

async function request(endpoint: Endpoint, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (endpoint.staff) headers.set("authorization", `Bearer ${ownerKey}`);
  headers.set("cf-connecting-ip", randomIp());
  return call(path, { ...init, headers });
}

/** Fills path parameters: hostile segments, or (for `{id}` on survey routes) the real survey id so validation deeper in runs. */
function fillPath(template: string, segment: (name: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => segment(name));
}
const realParams = (template: string) => (name: string) =>
  name === "slug" ? surveySlug : name === "id" && template.startsWith("/api/surveys/") ? surveyId : "does-not-exist";

const hasBody = (method: string) => method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";

beforeAll(async () => {
  const { organizationId, userIds } = await ensureOrganisation(env, db(), {
    name: "Fuzz org",
    slug: "fuzz",
    timeZone: "UTC",
    members: [{ email: "owner@fuzz.test", name: "Owner", password: "correct horse battery", role: "owner" }],
  });
  const owner = userIds["owner@fuzz.test"]!;
  ownerKey = (await createApiKey(db(), { kind: "user", id: owner, name: "Owner", organizationId, role: "owner" }, { name: "fuzz", role: "owner" })).key;
  const survey = await createPublishedSurvey(ownerKey, "fuzz-acsi", { accessMode: "both" });
  surveyId = survey.id;
  surveySlug = survey.slug;

  const doc = (await (await call("/api/openapi.json")).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> } }>>;
    components?: { schemas?: Record<string, Record<string, unknown>> };
  };
  const resolve = (schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
    const ref = schema?.$ref as string | undefined;
    return ref ? doc.components?.schemas?.[ref.split("/").pop()!] : schema;
  };
  const staffKeys = new Set(staffRouteRegistry.map((r) => `${r.method} ${r.path}`));
  const seen = new Set<string>();
  endpoints = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const key = `${method.toUpperCase()} ${path}`;
      if (seen.has(key) || path === "/api/openapi.json") continue;
      seen.add(key);
      const schema = resolve(operation.requestBody?.content?.["application/json"]?.schema);
      const fields = Object.keys((schema?.properties as Record<string, unknown> | undefined) ?? {});
      endpoints.push({ method: method.toUpperCase(), path, api: path.startsWith("/api/") || path.startsWith("/problems/") || path === "/healthz", staff: staffKeys.has(key), fields });
    }
  }
  // Staff routes not in the OpenAPI document (none expected) still get fuzzed.
  for (const r of staffRouteRegistry as StaffRouteInfo[]) {
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) {
      seen.add(key);
      endpoints.push({ method: r.method, path: r.path, api: true, staff: true, fields: [] });
    }
  }
  // Server-rendered pages for respondents and complainants (HTML, not problem+json, by design).
  for (const [method, path] of [["GET", "/s/{slug}"], ["POST", "/s/{slug}"], ["GET", "/s/{slug}/thanks"]] as const) {
    if (!seen.has(`${method} ${path}`)) endpoints.push({ method, path, api: false, staff: false, fields: [] });
  }
  for (const e of endpoints) if (!e.path.startsWith("/api/")) e.api = e.path.startsWith("/problems/") || e.path === "/healthz";
}, 60_000);

describe("fuzzing every endpoint", () => {
  it("found the public and staff endpoints", () => {
    expect(endpoints.filter((e) => e.staff).length).toBe(new Set(staffRouteRegistry.map((r) => `${r.method} ${r.path}`)).size);
    expect(endpoints.filter((e) => !e.staff).length).toBeGreaterThanOrEqual(4);
    expect(endpoints.some((e) => e.method === "POST" && e.path === "/api/public/surveys/{slug}/responses")).toBe(true);
  });

  it("never answers malformed JSON, wrong types, unknown fields or hostile strings with a 5xx", async () => {
    for (const [index, endpoint] of endpoints.filter((e) => hasBody(e.method)).entries()) {
      const path = fillPath(endpoint.path, realParams(endpoint.path));
      const malformed = Array.from({ length: MALFORMED_PER_ENDPOINT }, (_, k) => MALFORMED[(index * MALFORMED_PER_ENDPOINT + k) % MALFORMED.length]!);
      for (const raw of malformed) {
        const res = await request(endpoint, path, { method: endpoint.method, headers: { "content-type": "application/json" }, body: raw });
        await expectSane(res, `${endpoint.method} ${endpoint.path} raw ${JSON.stringify(raw)}`, endpoint);
      }
      const form = await request(endpoint, path, { method: endpoint.method, headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=%ED%A0%80&b=<script>" });
      await expectSane(form, `${endpoint.method} ${endpoint.path} form body`, endpoint);
      await fc.assert(
        fc.asyncProperty(bodyFor(endpoint.fields), async (body) => {
          const res = await request(endpoint, path, { method: endpoint.method, headers: { "content-type": "application/json" }, body: jsonBody(body) });
          await expectSane(res, `${endpoint.method} ${endpoint.path} body ${jsonBody(body).slice(0, 200)}`, endpoint);
        }),
        { seed: SEED, numRuns: RUNS.body },
      );
    }
  }, 120_000);

  it("never answers hostile path parameters or query strings with a 5xx", async () => {
    for (const endpoint of endpoints) {
      if (!endpoint.path.includes("{")) continue;
      await fc.assert(
        fc.asyncProperty(pathSegment, async (segment) => {
          const path = fillPath(endpoint.path, () => segment);
          const init: RequestInit = hasBody(endpoint.method) ? { method: endpoint.method, headers: { "content-type": "application/json" }, body: "{}" } : { method: endpoint.method };
          const res = await request(endpoint, path, init);
          await expectSane(res, `${endpoint.method} ${path}`, endpoint);
        }),
        { seed: SEED, numRuns: RUNS.path },
      );
    }
    for (const endpoint of endpoints.filter((e) => e.method === "GET")) {
      const path = fillPath(endpoint.path, realParams(endpoint.path));
      await fc.assert(
        fc.asyncProperty(queryString, async (query) => {
          const res = await request(endpoint, `${path}?${query}`);
          await expectSane(res, `GET ${path}?${query}`, endpoint);
        }),
        { seed: SEED, numRuns: RUNS.query },
      );
    }
  }, 120_000);

  it("survives deep nesting", async () => {
    const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    const deepObject = (depth: number) => "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    for (const endpoint of endpoints.filter((e) => hasBody(e.method) && e.api)) {
      const path = fillPath(endpoint.path, realParams(endpoint.path));
      for (const body of [deep(100_000), deepObject(20_000), JSON.stringify({ answers: JSON.parse(deepObject(500)) })]) {
        const res = await request(endpoint, path, { method: endpoint.method, headers: { "content-type": "application/json" }, body });
        await expectSane(res, `${endpoint.method} ${endpoint.path} nested ${body.length} bytes`, endpoint);
      }
    }
  }, 120_000);

  it("refuses bodies over the documented limits with 413 problem+json, declared or streamed", async () => {
    const publicBody = JSON.stringify({ submissionId: newSubmissionId(), answers: { comment: "x".repeat(MAX_PUBLIC_BODY_BYTES) }, complete: false });
    const staffBody = JSON.stringify({ x: "y".repeat(MAX_BODY_BYTES) });
    for (const endpoint of endpoints.filter((e) => hasBody(e.method) && e.path.startsWith("/api/") && !e.path.startsWith("/api/auth/"))) {
      const isPublic = endpoint.path.startsWith("/api/public/");
      const body = isPublic ? publicBody : staffBody;
      const path = fillPath(endpoint.path, realParams(endpoint.path));
      const declared = await request(endpoint, path, { method: endpoint.method, headers: { "content-type": "application/json" }, body });
      expect(declared.status, `${endpoint.method} ${endpoint.path}`).toBe(413);
      await expectSane(declared, `${endpoint.method} ${endpoint.path} oversized`, endpoint);
      const bytes = new TextEncoder().encode(body);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 65_536) controller.enqueue(bytes.subarray(i, i + 65_536));
          controller.close();
        },
      });
      const streamed = await request(endpoint, path, { method: endpoint.method, headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit);
      expect(streamed.status, `${endpoint.method} ${endpoint.path} streamed`).toBe(413);
    }
    // Just under the public limit is still read and validated (422 for the unknown item, not 413).
    const under = JSON.stringify({ submissionId: newSubmissionId(), answers: { comment: "x".repeat(MAX_PUBLIC_BODY_BYTES - 200) }, complete: false });
    const res = await submit(surveySlug, JSON.parse(under) as Record<string, unknown>);
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  }, 120_000);
});

describe("after the fuzzing", () => {
  it("no stored row poisons a later read: every list endpoint still answers (200, or 400 for a required query)", async () => {
    const lists = endpoints.filter((e) => e.method === "GET" && e.staff && !e.path.includes("{"));
    expect(lists.length).toBeGreaterThan(3);
    for (const endpoint of lists) {
      const res = await request(endpoint, endpoint.path);
      expect([200, 400], `${endpoint.path} → ${res.status}: ${(await res.clone().text()).slice(0, 300)}`).toContain(res.status);
    }
    for (const endpoint of endpoints.filter((e) => e.method === "GET" && e.staff && e.path.startsWith("/api/surveys/{id}") && !e.path.includes("}/", 16))) {
      const res = await request(endpoint, fillPath(endpoint.path, realParams(endpoint.path)));
      expect(res.status, `${endpoint.path}: ${(await res.clone().text()).slice(0, 300)}`).toBeLessThan(500);
    }
    // Timestamps are integer milliseconds everywhere; a NaN or text here breaks every reader.
    const bad = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE typeof(at) != 'integer'").first<{ n: number }>();
    expect(bad!.n).toBe(0);
  });
});

describe("hostile text in a valid submission", () => {
  it("stores any unicode text exactly (or refuses it cleanly) and never fails with a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, async (comment, touchpoint) => {
        const res = await submit(surveySlug, {
          submissionId: newSubmissionId(),
          answers: acsiAnswers({ comment: comment.slice(0, 2000) }),
          hidden: { touchpoint: touchpoint.slice(0, 200) },
          complete: true,
        });
        const text = await res.text();
        expect(res.status, text).toBeLessThan(500);
        if (res.status === 201) {
          const { id } = JSON.parse(text) as { id: string };
          const stored = await call(`/api/surveys/${surveyId}/responses/${id}`, { headers: bearer(ownerKey) });
          expect(stored.status).toBe(200);
          const body = (await stored.json()) as { answers: Record<string, unknown> };
          // What comes back is what was accepted (lone surrogates may have been replaced on input).
          const sent = comment.slice(0, 2000).trim();
          if (sent !== "" && !/[\ud800-\udfff]/.test(sent) && !sent.includes("\u0000")) expect(body.answers.comment).toBe(sent);
        }
      }),
      { seed: SEED, numRuns: 25 },
    );
  }, 60_000);
});
