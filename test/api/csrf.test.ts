/**
 * Cookie-authenticated state changes need a trusted Origin or Sec-Fetch-Site: same-origin
 * (issue 12, finding 5). A body-less POST from a sibling subdomain must be refused with 403.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ORIGIN, call, createTestOrg, json, type TestOrg } from "./helpers";

let org: TestOrg;
beforeAll(async () => {
  org = await createTestOrg("csrf-org");
});

function rawCall(path: string, headers: Record<string, string>, init: RequestInit = {}) {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers }));
}

describe("CSRF guard on cookie-authenticated changes", () => {
  it("refuses a cross-site text/plain POST carrying the session cookie", async () => {
    const res = await rawCall("/api/surveys", { cookie: org.cookies.admin, origin: "https://evil.feedloop.example", "content-type": "text/plain" }, { method: "POST", body: "{}" });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
  });

  it("refuses a cookie POST with neither Origin nor Sec-Fetch-Site", async () => {
    const res = await rawCall("/api/surveys", { cookie: org.cookies.admin }, { method: "POST" });
    expect(res.status).toBe(403);
  });

  it("refuses Sec-Fetch-Site: same-site (a sibling subdomain)", async () => {
    const res = await rawCall("/api/surveys", { cookie: org.cookies.admin, "sec-fetch-site": "same-site" }, { method: "POST" });
    expect(res.status).toBe(403);
  });

  it("lets the app's own origin, same-origin fetches and API keys through", async () => {
    const own = await call("/api/surveys", json("POST", {}, { cookie: org.cookies.admin }));
    expect(own.status).not.toBe(403);
    const sameOrigin = await rawCall("/api/surveys", { cookie: org.cookies.admin, "sec-fetch-site": "same-origin", "content-type": "application/json" }, { method: "POST", body: "{}" });
    expect(sameOrigin.status).not.toBe(403);
    const apiKey = await rawCall("/api/surveys", { authorization: `Bearer ${org.keys.admin}`, "content-type": "application/json" }, { method: "POST", body: "{}" });
    expect(apiKey.status).not.toBe(403);
  });
});
