import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const call = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`http://feedloop.test${path}`, init));

describe("platform basics", () => {
  it("answers the health check", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", email: "configured" });
  });

  it("serves an OpenAPI 3.1 document", async () => {
    const res = await call("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/api-keys");
  });

  it("documents the 503 of an organisation being moved on every organisation-scoped write, and only there", async () => {
    type Operation = { responses: Record<string, { headers?: Record<string, unknown> }> };
    const doc = (await (await call("/api/openapi.json")).json()) as { paths: Record<string, Record<string, Operation>> };
    const writes = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ["post", "put", "patch", "delete"].includes(method))
        .map(([method, operation]) => ({ path, method, operation })),
    );
    const scoped = writes.filter((w) => !/^\/api\/(auth|operator|dev)\//.test(w.path));
    expect(scoped.length).toBeGreaterThan(40);
    for (const { operation } of scoped) expect(operation.responses["503"]?.headers).toHaveProperty("Retry-After");
    expect(doc.paths["/api/public/surveys/{slug}/responses"]?.post?.responses["503"]).toBeDefined();
    for (const { operation } of writes.filter((w) => !scoped.includes(w))) expect(operation.responses["503"]).toBeUndefined();
    for (const item of Object.values(doc.paths)) expect(item.get?.responses["503"]).toBeUndefined();
  });

  it("answers unknown API routes with problem+json", async () => {
    const res = await call("/api/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: "/problems/not-found", status: 404 });
    expect(typeof body.detail).toBe("string");
  });

  it("has a SQLite that supports ordered JSON aggregation (used by the statistics update)", async () => {
    const row = await env.DB.prepare("select json_group_array(value order by key desc) as a from json_each('[1,2,3]')").first<{ a: string }>();
    expect(row?.a).toBe("[3,2,1]");
  });
});
