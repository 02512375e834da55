/**
 * Issue 12, finding 4: after a respondent's erasure (delete or anonymise) no table holds their
 * e-mail, name or free text (hashes aside) — the audit log's copies of notes and replies, complaint
 * subjects, proposed remedies, the customer's name on timeline events, dispute texts in event data and
 * the handling survey link included — and the statistics still equal a recomputation.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { expectStatsMatchResponses } from "./stats-recompute";
import { compactSurveyStats } from "../../src/db/queries/stats-compaction";
import { customerParty, transitionComplaint } from "../../src/db/queries/complaints-actions";
import { findComplaint } from "../../src/db/queries/complaints";
import { saveSubmission } from "../../src/db/queries/responses";
import { findSurveyBySlug, loadVersionDefinition } from "../../src/db/queries/surveys";
import { loadFollowUpSet } from "../../src/db/queries/follow-up";
import { writeFollowUpSet } from "../../src/jobs/response-completed";
import type { AppBindings } from "../../src/env";

type Person = { email: string; name: string; token: string };
const DELETED: Person = { email: "zeb.quarrington@erasure.test", name: "Zeb Quarrington", token: "zq7731" };
const ANONYMISED: Person = { email: "yolanda.pemberton@erasure.test", name: "Yolanda Pemberton", token: "yp4419" };
const KEPT: Person = { email: "kept.customer@erasure.test", name: "Kept Customer", token: "kc0001" };

let org: TestOrg;
let survey: { id: string; slug: string };

async function ok(res: Response, status = 200): Promise<Record<string, unknown>> {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as Record<string, unknown>;
}

/** Everything a customer leaves behind: a survey answer, a complaint with notes, replies, remedies, a dispute, a closing with disagreement. */
async function history(person: Person) {
  const imported = await call(`/api/surveys/${survey.id}/invitations/import`, { method: "POST", headers: { "content-type": "text/csv", ...bearer(org.keys.manager) }, body: `email,touchpoint\n${person.email},store\n` });
  const link = ((await ok(imported, 201)).invitations as { url: string }[])[0]!.url;
  const token = new URL(link).searchParams.get("t")!;
  await ok(await submit(survey.slug, { submissionId: newSubmissionId(), token, answers: acsiAnswers({ nps: 3, comment: `${person.token} ${person.name} says hello` }), complete: true }), 201);

  const complaint = await ok(
    await call("/api/complaints", json("POST", {
      subject: `${person.token} kettle`,
      description: `${person.token}: ${person.name}'s kettle broke\nIt was new.`,
      contact: { email: person.email, name: person.name },
      desiredRemedy: `${person.token} refund please`,
    }, bearer(org.keys.staff))),
    201,
  );
  const id = complaint.id as string;
  const move = (body: Record<string, unknown>) => call(`/api/complaints/${id}/transitions`, json("POST", body, bearer(org.keys.staff))).then((r) => ok(r));
  await ok(await call(`/api/complaints/${id}/notes`, json("POST", { text: `${person.token} ${person.name} phoned` }, bearer(org.keys.staff))));
  await ok(await call(`/api/complaints/${id}/replies`, json("POST", { text: `${person.token} Dear ${person.name}` }, bearer(org.keys.staff))));
  // A reply with a file named after the customer: its name lives in the event and the attachment index.
  const withFile = new FormData();
  withFile.set("text", `${person.token} the receipt`);
  withFile.append("files", new File(["receipt"], `${person.token}-receipt.txt`, { type: "text/plain" }));
  await ok(await call(`/api/complaints/${id}/replies`, { method: "POST", headers: bearer(org.keys.staff), body: withFile }));
  await move({ to: "acknowledged", message: `${person.token} thanks ${person.name}` });
  await move({ to: "assessed", priority: "high", category: "billing" });
  await move({ to: "responded", publicReply: `${person.token} we replace it`, proposedRemedy: `${person.token} new kettle for ${person.name}` });
  const row = await findComplaint(db(), org.organizationId, id);
  await transitionComplaint(db(), env as unknown as AppBindings, { organizationId: org.organizationId, complaintId: id, party: customerParty(row), to: "investigating", payload: { reason: `${person.token} I dispute this` }, now: new Date() });
  await move({ to: "responded", publicReply: `${person.token} second answer`, proposedRemedy: `${person.token} refund for ${person.name}` });
  await move({ to: "closed", resolution: { outcome: "closed_with_disagreement", customerDisagreement: `${person.token} ${person.name} still disagrees`, alternativesOffered: `${person.token} ombudsman` }, publicReply: `${person.token} closing` });
  const closed = await ok(await call(`/api/complaints/${id}`, { headers: bearer(org.keys.staff) }));
  // Staff see the handling survey link without its token (issue 12, finding 3); erasure must clear it.
  expect((closed.handlingSurvey as { url: string | null }).url).toMatch(/\/s\/erasure-left-complaint-handling/);
}

/** Every table of the database, each row as text. */
async function tables(): Promise<string[]> {
  const rows = await env.DB.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name not like 'd1_%' order by name").all<{ name: string }>();
  return rows.results.map((r) => r.name);
}

async function leftovers(table: string, person: Person): Promise<string[]> {
  const rows = await env.DB.prepare(`select * from "${table}"`).all<Record<string, unknown>>();
  const needles = [person.email, person.name, person.token];
  return rows.results.map((r) => JSON.stringify(r)).filter((text) => needles.some((needle) => text.toLowerCase().includes(needle.toLowerCase())));
}

let tableNames: string[] = [];

beforeAll(async () => {
  org = await createTestOrg("erasure-left");
  survey = await createPublishedSurvey(org.keys.admin, "erasure-left-acsi", { accessMode: "both" });
  // A receiver subscribed to complaint events: its queued messages carry complaint data too.
  await ok(await call("/api/webhooks", json("POST", { url: "https://receiver.example.test/hook", events: ["complaint.created", "complaint.status_changed", "response.completed"] }, bearer(org.keys.admin))), 201);
  for (const person of [DELETED, ANONYMISED, KEPT]) await history(person);
  await compactSurveyStats(db(), survey.id);
  tableNames = await tables();
  // The histories really are everywhere the erasure has to reach.
  for (const table of ["complaints", "complaint_events", "complaint_attachments", "audit_log", "outbox", "responses", "survey_invitations"]) {
    expect((await leftovers(table, KEPT)).length, table).toBeGreaterThan(0);
  }
  await ok(await call(`/api/respondents?email=${encodeURIComponent(DELETED.email)}&mode=delete`, { method: "DELETE", headers: bearer(org.keys.admin) }));
  await ok(await call(`/api/respondents?email=${encodeURIComponent(ANONYMISED.email)}&mode=anonymise`, { method: "DELETE", headers: bearer(org.keys.admin) }));
}, 120_000);

describe("after a respondent's erasure (finding 4)", () => {
  const TABLES = [
    "audit_log",
    "complaint_events",
    "complaint_handoffs",
    "complaints",
    "outbox",
    "response_notes",
    "responses",
    "survey_invitations",
    "webhook_deliveries",
  ];
  it.each(TABLES)("%s holds neither the deleted nor the anonymised customer's e-mail, name or text", async (table) => {
    expect(await leftovers(table, DELETED)).toEqual([]);
    expect(await leftovers(table, ANONYMISED)).toEqual([]);
  });

  it("no other table holds them either", async () => {
    for (const table of tableNames.filter((t) => !TABLES.includes(t))) {
      expect(await leftovers(table, DELETED), table).toEqual([]);
      expect(await leftovers(table, ANONYMISED), table).toEqual([]);
    }
  });

  it("keeps what belongs to others, and the anonymised complaint's structure", async () => {
    expect((await leftovers("complaints", KEPT)).length).toBeGreaterThanOrEqual(1);
    const anonymised = await env.DB.prepare("select state, anonymous, handling_survey_url, resolution from complaints where anonymous = 1 and subject = '[anonymised]'").first<Record<string, unknown>>();
    expect(anonymised).toMatchObject({ state: "closed", anonymous: 1, handling_survey_url: null });
    expect(JSON.parse(anonymised!.resolution as string).outcome).toBe("closed_with_disagreement");
  });

  it("leaves the statistics equal to a recomputation from the remaining responses", async () => {
    await expectStatsMatchResponses(survey.id);
    await compactSurveyStats(db(), survey.id);
    await expectStatsMatchResponses(survey.id);
  });
});

describe("a follow-up that read a response just before its respondent's erasure", () => {
  const RACED: Person[] = [
    { email: "raced.deleted@erasure.test", name: "Raced Deleted", token: "rd5501" },
    { email: "raced.anonymised@erasure.test", name: "Raced Anonymised", token: "ra5502" },
  ];

  /** A detractor's answer with a comment, stored as the submit stores it (its follow-up not yet run). */
  async function storeDetractor(person: Person): Promise<string> {
    const row = (await findSurveyBySlug(db(), survey.slug))!;
    const outcome = await saveSubmission(db(), {
      survey: row,
      definition: await loadVersionDefinition(db(), row.id, row.publishedVersion!),
      version: row.publishedVersion!,
      submissionId: newSubmissionId(),
      invitation: null,
      answers: acsiAnswers({ nps: 2, comment: `${person.token} ${person.name} is unhappy` }) as never,
      hidden: { touchpoint: "store" },
      language: "en",
      complete: true,
      currentPage: 0,
      resumeHash: null,
      respondentEmail: person.email,
      ip: null,
      existing: null,
      now: new Date(),
      answersNeedFollowUp: true,
    });
    return outcome.id;
  }

  it("writes nothing of theirs after the erasure: no complaint, no text score, no webhook message", async () => {
    const ids = [await storeDetractor(RACED[0]!), await storeDetractor(RACED[1]!)];
    const set = await loadFollowUpSet(db(), ids);
    expect(set.responses.map((response) => response.id).sort()).toEqual([...ids].sort());
    await ok(await call(`/api/respondents?email=${encodeURIComponent(RACED[0]!.email)}&mode=delete`, { method: "DELETE", headers: bearer(org.keys.admin) }));
    await ok(await call(`/api/respondents?email=${encodeURIComponent(RACED[1]!.email)}&mode=anonymise`, { method: "DELETE", headers: bearer(org.keys.admin) }));

    await writeFollowUpSet(db(), env as unknown as AppBindings, set, new Date());

    for (const table of await tables()) {
      for (const person of RACED) expect(await leftovers(table, person), table).toEqual([]);
    }
    const derived = await env.DB.prepare(
      `select (select count(*) from complaints where source_response_id in (?1, ?2)) as complaints,
              (select count(*) from text_scores where source_id in (?1, ?2)) as scores,
              (select count(*) from outbox where kind = 'webhook' and json_extract(payload, '$.data.id') in (?1, ?2)) as webhooks`,
    ).bind(ids[0], ids[1]).first<{ complaints: number; scores: number; webhooks: number }>();
    expect(derived).toEqual({ complaints: 0, scores: 0, webhooks: 0 });
  });
});
