import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { invitationLinkToken } from "../../src/lib/email-config";
import { remindInvitations } from "../../src/db/queries/invitation-import";
import { readCsvRecords, CsvSyntaxError } from "../../src/domain/csv";

let a: TestOrg;
let b: TestOrg;
let survey: { id: string; slug: string };

beforeAll(async () => {
  a = await createTestOrg("imp-a");
  b = await createTestOrg("imp-b");
  survey = await createPublishedSurvey(a.keys.admin, "imp-acsi", { accessMode: "invitation" });
});

type ImportBody = { accepted: number; rejected: { row: number; line: number; email: string | null; errors: { field: string; code: string; message: string }[] }[]; invitations: { row: number; id: string; email: string; url: string }[] };
type Problem = { status: number; type: string; detail: string; accepted?: number; valid?: number; rejected?: ImportBody["rejected"]; errors?: { field: string; code: string }[] };

function importCsv(surveyId: string, csv: string | Uint8Array, query = "", headers: Record<string, string> = {}, key = a.keys.manager) {
  return call(`/api/surveys/${surveyId}/invitations/import${query}`, { method: "POST", headers: { "content-type": "text/csv", ...bearer(key), ...headers }, body: csv as BodyInit });
}

async function invitationCount(surveyId = survey.id) {
  const row = await env.DB.prepare("select count(*) as n from survey_invitations where survey_id = ?").bind(surveyId).first<{ n: number }>();
  return row!.n;
}

async function setFatigue(org: TestOrg, days: number | null) {
  const res = await call("/api/organisation/settings", json("PATCH", { fatigueDays: days }, bearer(org.keys.admin)));
  expect(res.status, await res.clone().text()).toBe(200);
}

describe("CSV parser (RFC 4180)", () => {
  it("reads quoted fields with delimiters, doubled quotes and line breaks, CRLF and a BOM", () => {
    const records = readCsvRecords('\uFEFFemail,note\r\n"a@x.com","say ""hi"", then\r\nleave"\r\nb@x.com,plain\r\n\r\n');
    expect(records.map((r) => r.fields)).toEqual([["email", "note"], ["a@x.com", 'say "hi", then\r\nleave'], ["b@x.com", "plain"]]);
    expect(records[2]!.line).toBe(4);
    expect(records[2]!.record).toBe(3);
  });

  it("detects semicolon and tab delimiters from the header and keeps empty trailing fields", () => {
    expect(readCsvRecords("email;region\na@x.com;east").map((r) => r.fields)).toEqual([["email", "region"], ["a@x.com", "east"]]);
    expect(readCsvRecords("email\tregion\na@x.com\t").map((r) => r.fields)).toEqual([["email", "region"], ["a@x.com", ""]]);
  });

  it("rejects unbalanced and stray quotes with the line number", () => {
    expect(() => readCsvRecords('email\n"a@x.com\nb@x.com')).toThrow(CsvSyntaxError);
    expect(() => readCsvRecords('email\na"b@x.com')).toThrow(/line 2/);
    expect(() => readCsvRecords('email\n"a@x.com"x')).toThrow(/after a closing quote/);
  });
});

describe("customer list import", () => {
  it("imports valid rows with segment attributes and answers the personal links once", async () => {
    const csv = "email,touchpoint,region,tier,valid_until\nAnna@Example.com,store,east,gold,2099-12-31\nben@example.com,web,,,\n";
    const res = await importCsv(survey.id, csv);
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as ImportBody;
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([]);
    expect(body.invitations.map((i) => [i.row, i.email])).toEqual([[2, "anna@example.com"], [3, "ben@example.com"]]);
    const stored = await env.DB.prepare("select email, hidden, valid_until, token_hash from survey_invitations where email = 'anna@example.com'").first<{ email: string; hidden: string; valid_until: number; token_hash: string }>();
    expect(JSON.parse(stored!.hidden)).toEqual({ touchpoint: "store", region: "east", tier: "gold" });
    expect(new Date(stored!.valid_until).toISOString()).toBe("2100-01-01T00:00:00.000Z");
    // Only the hash is stored; the link works and carries the segments into the response.
    const token = new URL(body.invitations[0]!.url).searchParams.get("t")!;
    expect(stored!.token_hash).not.toContain(token);
    const done = await submit(survey.slug, { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true });
    expect(done.status).toBe(201);
    const response = await env.DB.prepare("select hidden, touchpoint, respondent_email from responses where survey_id = ?").bind(survey.id).first<{ hidden: string; touchpoint: string; respondent_email: string }>();
    expect(response!.touchpoint).toBe("store");
    expect(response!.respondent_email).toBe("anna@example.com");
  });

  it("answers the links as CSV with Accept: text/csv", async () => {
    const res = await importCsv(survey.id, "email,region\ncarla@example.com,north\n", "", { accept: "text/csv" });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const [header, line] = readCsvRecords(await res.text());
    expect(header!.fields).toEqual(["row", "email", "url", "invitation_id", "valid_from", "valid_until", "region"]);
    expect(line!.fields[1]).toBe("carla@example.com");
    expect(line!.fields[2]).toMatch(/\/s\/imp-acsi\?t=/);
    expect(line!.fields[6]).toBe("north");
  });

  it("reports every bad row and imports nothing (no partial import) unless partial=true", async () => {
    const before = await invitationCount();
    const csv = [
      "email,region,tier,valid_until",
      "ok1@example.com,east,gold,",
      "not-an-email,east,,",
      ",west,,",
      "ok1@example.com,east,,", // duplicate of row 2
      "ok2@example.com,east,,2001-01-01", // in the past
      "ok3@example.com,east,,31/12/2099", // not a date
      "ok4@example.com,east,gold", // too few fields
      "ok5@example.com,south,silver,",
    ].join("\n");
    const res = await importCsv(survey.id, csv);
    expect(res.status).toBe(422);
    const problem = (await res.json()) as Problem;
    expect(problem.accepted).toBe(0);
    expect(problem.valid).toBe(2);
    expect(problem.rejected!.map((r) => [r.row, r.errors[0]!.code])).toEqual([
      [3, "invalid_email"],
      [4, "required"],
      [5, "duplicate"],
      [6, "in_the_past"],
      [7, "invalid_date"],
      [8, "field_count"],
    ]);
    expect(problem.detail).toMatch(/6 of 8 rows were rejected.*nothing was imported/);
    expect(await invitationCount()).toBe(before);

    const partial = await importCsv(survey.id, csv, "?partial=true");
    expect(partial.status).toBe(201);
    const body = (await partial.json()) as ImportBody;
    expect(body.accepted).toBe(2);
    expect(body.rejected).toHaveLength(6);
    expect(await invitationCount()).toBe(before + 2);
  });

  it("rejects malformed files as a whole: unbalanced quotes, no email column, unknown columns, too many rows, too large, not UTF-8, wrong type", async () => {
    const before = await invitationCount();
    const cases: [string | Uint8Array, number, RegExp, Record<string, string>?][] = [
      ['email\n"x@example.com\ny@example.com\n', 400, /unbalanced quotes/],
      ["mail,region\nx@example.com,east\n", 422, /no email column/],
      ["email,regoin\nx@example.com,east\n", 422, /"regoin" is not a column/],
      ["email,email\nx@example.com,y@example.com\n", 422, /appears more than once/],
      [`email\n${Array.from({ length: 10_001 }, (_, i) => `bulk${i}@example.com`).join("\n")}\n`, 400, /more than 10000 rows/],
      [new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xd5, 0xc5, 0xc8, 0xfd, 0x40, 0x78, 0x2e, 0x63, 0x6e]), 400, /not UTF-8/],
      ["email\n", 400, /no data rows/],
      ["email\nx@example.com\n", 415, /text\/csv/, { "content-type": "application/json" }],
    ];
    for (const [body, status, detail, headers] of cases) {
      const res = await importCsv(survey.id, body, "", headers ?? {});
      expect(res.status, String(detail)).toBe(status);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(((await res.json()) as Problem).detail).toMatch(detail);
    }
    // Over the size limit: refused before it is read (the API's body limit or the import's 2 MB).
    const big = `email,region\n${"x@example.com,".padEnd(100, "e")}\n`.repeat(25_000);
    const large = await importCsv(survey.id, big);
    expect(large.status).toBe(413);
    expect(await invitationCount()).toBe(before);
  });

  it("applies the fatigue rule across the organisation's surveys, and only within the period", async () => {
    const other = await createPublishedSurvey(a.keys.admin, "imp-other");
    await setFatigue(a, 30);
    try {
      const first = await importCsv(other.id, "email\nfatigued@example.com\nfresh@example.com\n");
      expect(first.status).toBe(201);
      const res = await importCsv(survey.id, "email\nFatigued@example.com\nnew-one@example.com\n");
      expect(res.status).toBe(422);
      const problem = (await res.json()) as Problem;
      expect(problem.rejected).toHaveLength(1);
      expect(problem.rejected![0]!.errors[0]!.code).toBe("fatigue");
      expect(problem.rejected![0]!.errors[0]!.message).toMatch(/imp-other.*30 days/);
      const partial = await importCsv(survey.id, "email\nfatigued@example.com\nnew-one@example.com\n", "?partial=true");
      expect(((await partial.json()) as ImportBody).accepted).toBe(1);
      // Older than the period: allowed again.
      await env.DB.prepare("update survey_invitations set created_at = created_at - 31 * 86400000 where email = 'fresh@example.com'").run();
      const later = await importCsv(survey.id, "email\nfresh@example.com\n");
      expect(later.status).toBe(201);
      // Another organisation's invitations never count.
      const otherOrg = await createPublishedSurvey(b.keys.admin, "imp-b-survey");
      await setFatigue(b, 30);
      expect((await importCsv(otherOrg.id, "email\nfatigued@example.com\n", "", {}, b.keys.manager)).status).toBe(201);
    } finally {
      await setFatigue(a, null);
      await setFatigue(b, null);
    }
  });

  it("imports 1,000 rows with some bad ones atomically, in one batch", async () => {
    const big = await createPublishedSurvey(a.keys.admin, "imp-thousand");
    const rows = Array.from({ length: 1000 }, (_, i) => (i % 100 === 7 ? `broken-${i}` : `customer${i}@example.com`) + `,${["store", "web"][i % 2]}`);
    const csv = `email,touchpoint\n${rows.join("\n")}\n`;
    const refused = await importCsv(big.id, csv);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as Problem).rejected).toHaveLength(10);
    expect(await invitationCount(big.id)).toBe(0);
    const res = await importCsv(big.id, csv, "?partial=true");
    expect(res.status).toBe(201);
    expect(((await res.json()) as ImportBody).accepted).toBe(990);
    expect(await invitationCount(big.id)).toBe(990);
  });

  it("is for managers and above, and another organisation gets 404", async () => {
    expect((await importCsv(survey.id, "email\nz@example.com\n", "", {}, a.keys.staff)).status).toBe(403);
    expect((await importCsv(survey.id, "email\nz@example.com\n", "", {}, b.keys.owner)).status).toBe(404);
    expect((await call(`/api/surveys/${survey.id}/invitations/export.csv`, { headers: bearer(b.keys.owner) })).status).toBe(404);
    expect((await call(`/api/surveys/${survey.id}/invitations/remind`, { method: "POST", headers: bearer(b.keys.owner) })).status).toBe(404);
  });
});

describe("invitation status export and reminders", () => {
  let remindSurvey: { id: string; slug: string };
  let links: { email: string; url: string }[];

  beforeAll(async () => {
    remindSurvey = await createPublishedSurvey(a.keys.admin, "imp-remind", { accessMode: "invitation" });
    const res = await importCsv(remindSurvey.id, "email,region\nr1@example.com,east\nr2@example.com,west\nr3@example.com,east\n");
    links = ((await res.json()) as ImportBody).invitations;
    const token = new URL(links[0]!.url).searchParams.get("t")!;
    expect((await submit(remindSurvey.slug, { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true })).status).toBe(201);
  });

  it("exports invitation status as CSV without links (tokens are stored hashed)", async () => {
    const res = await call(`/api/surveys/${remindSurvey.id}/invitations/export.csv`, { headers: bearer(a.keys.manager) });
    expect(res.status).toBe(200);
    const records = readCsvRecords(await res.text());
    const header = records[0]!.fields;
    expect(header).toContain("status");
    expect(header).not.toContain("url");
    const byEmail = Object.fromEntries(records.slice(1).map((r) => [r.fields[1], r.fields]));
    expect(byEmail["r1@example.com"]![2]).toBe("completed");
    expect(byEmail["r2@example.com"]![2]).toBe("not_opened");
    expect(byEmail["r2@example.com"]![header.indexOf("region")]).toBe("west");
  });

  it("queues one reminder e-mail per not-completed invitation, at most once per 24 hours", async () => {
    const res = await call(`/api/surveys/${remindSurvey.id}/invitations/remind`, json("POST", {}, bearer(a.keys.manager)));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { queued: number }).queued).toBe(2);
    const mails = await env.DB.prepare("select recipient, subject, payload from outbox where event_type = 'invitation.reminder' and organization_id = ? order by recipient").bind(a.organizationId).all<{ recipient: string; subject: string; payload: string }>();
    expect(mails.results.map((m) => m.recipient)).toEqual(["r2@example.com", "r3@example.com"]);
    expect(mails.results[0]!.subject).toContain("顾客满意度调查");
    const inv = await env.DB.prepare("select reminder_count, reminded_at from survey_invitations where email = 'r2@example.com'").first<{ reminder_count: number; reminded_at: number }>();
    expect(inv!.reminder_count).toBe(1);
    // Again at once: nothing (24-hour rule).
    const again = await call(`/api/surveys/${remindSurvey.id}/invitations/remind`, json("POST", {}, bearer(a.keys.manager)));
    expect(((await again.json()) as { queued: number }).queued).toBe(0);
    // A day later: once more, with new links when asked; the new link works, the old one no longer does.
    const principal = { kind: "user" as const, id: a.userIds.manager, name: "m", organizationId: a.organizationId, role: "manager" as const };
    const later = await remindInvitations(db(), principal, remindSurvey, { title: "T", language: "en" }, {
      now: new Date(Date.now() + 25 * 3_600_000),
      origin: "http://127.0.0.1:8787",
      reissueLinks: true,
      linkToken: (invitationId, generation) => invitationLinkToken(env, invitationId, generation),
    });
    expect(later.queued).toBe(2);
    const fresh = later.links.find((l) => l.email === "r2@example.com")!;
    const oldToken = new URL(links[1]!.url).searchParams.get("t")!;
    const newToken = new URL(fresh.url).searchParams.get("t")!;
    expect((await submit(remindSurvey.slug, { submissionId: newSubmissionId(), token: oldToken, answers: acsiAnswers(), complete: true })).status).toBe(404);
    expect((await submit(remindSurvey.slug, { submissionId: newSubmissionId(), token: newToken, answers: acsiAnswers(), complete: true })).status).toBe(201);
    const audit = await env.DB.prepare("select count(*) as n from audit_log where action = 'invitations.reminded' and target_id = ?").bind(remindSurvey.id).first<{ n: number }>();
    expect(audit!.n).toBeGreaterThanOrEqual(2);
  });
});

describe("fatigue rule under concurrency", () => {
  it("lets exactly one of several simultaneous imports invite the same address", async () => {
    const targets = await Promise.all([1, 2, 3, 4].map((n) => createPublishedSurvey(a.keys.admin, `imp-race-${n}`)));
    await setFatigue(a, 14);
    try {
      const results = await Promise.all(targets.map((t) => importCsv(t.id, "email\nracer@example.com\n")));
      expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
      const n = await env.DB.prepare("select count(*) as n from survey_invitations where email = 'racer@example.com'").first<{ n: number }>();
      expect(n!.n).toBe(1);
    } finally {
      await setFatigue(a, null);
    }
  });

  it("rolls the whole import back when another import takes an address between the check and the insert", async () => {
    const { importInvitations } = await import("../../src/db/queries/invitation-import");
    const { ProblemError } = await import("../../src/lib/problem");
    const target = await createPublishedSurvey(a.keys.admin, "imp-race-guard");
    const rival = await createPublishedSurvey(a.keys.admin, "imp-race-rival");
    await setFatigue(a, 14);
    try {
      const real = db();
      let first = true;
      // The first batch is preceded by a rival invitation for the same address (a concurrent import).
      const client = new Proxy(env.DB, {
        get(target, prop) {
          if (prop === "batch") {
            return async (statements: D1PreparedStatement[]) => {
              if (first) {
                first = false;
                await env.DB.prepare("insert into survey_invitations (id, organization_id, survey_id, token_hash, email, uses_left, reminder_count, created_at) values ('inv_rival', ?, ?, 'h-rival', 'guarded@example.com', 1, 0, ?)")
                  .bind(a.organizationId, rival.id, Date.now())
                  .run();
              }
              return target.batch(statements);
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      const wrapped = new Proxy(real, { get: (t, prop) => (prop === "$client" ? client : Reflect.get(t, prop)) });
      const principal = { kind: "user" as const, id: a.userIds.admin, name: "a", organizationId: a.organizationId, role: "admin" as const };
      const definition = { hiddenFields: [], defaultLanguage: "en" };
      let thrown: unknown;
      try {
        await importInvitations(wrapped, principal, { ...target, title: "Guarded" }, definition, "email\nguarded@example.com\nother-guarded@example.com\n", { partial: false, origin: "http://x" });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ProblemError);
      expect((thrown as InstanceType<typeof ProblemError>).extensions?.rejected).toMatchObject([{ email: "guarded@example.com", errors: [{ code: "fatigue" }] }]);
      expect(await invitationCount(target.id)).toBe(0);
    } finally {
      await setFatigue(a, null);
    }
  });
});
