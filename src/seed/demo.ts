/**
 * The demo organisation `npm start` shows: one member per role, a published ACSI survey with the
 * loyalty model (current, former and potential customers) at /s/demo-acsi with a few hundred responses simulated from a known ACSI structural model
 * (src/domain/simulation), spread over the last six months and three segment dimensions.
 * Idempotent: a second run finds everything in place and adds nothing.
 */
import { organisationComplaintAddress } from "../domain/email/addresses";
import type { AppBindings, Db, Principal } from "../env";
import { ROLES, type Role } from "../domain/permissions";
import { getTemplate } from "../domain/survey/templates";
import { simulateAcsiResponses } from "../domain/simulation";
import { addDemoLoyaltyAnswers } from "../domain/simulation/loyalty-answers";
import { createSeededRandom } from "../domain/stats/random";
import type { Answers } from "../domain/survey/answers";
import { sha256Hex } from "../lib/ids";
import { apiKeyHashExists, createApiKey } from "../db/queries/api-keys";
import { countSurveyResponses, markSurveyTriggersEvaluated } from "../db/queries/demo-seed";
import { createSurvey, findSurveyBySlug, loadVersionDefinition, publishSurvey } from "../db/queries/surveys";
import { saveSubmission } from "../db/queries/responses";
import { ensureOrganisation } from "./organisations";
import { organisationDb } from "../db/shards";
import { compactSurveyStats } from "../db/queries/stats-compaction";
import { RESCORE_CHUNK, rescoreStale, scoreSurveyOpenAnswers } from "../db/queries/text-scores";
import { demoOpenAnswer } from "./open-answers";

export const DEMO_PASSWORD = "feedloop-demo-2026";
export const DEMO_SURVEY_SLUG = "demo-acsi";
export const DEMO_ORGANISATION_SLUG = "demo";
export const DEMO_RESPONSE_COUNT = 400;
const DEMO_SEED = 20261126;

export const demoAccounts = ROLES.map((role) => ({ role, email: `${role}@demo.feedloop.test`, name: `Demo ${role}` }));

export type DemoSeedSummary = {
  organizationId: string;
  surveyId: string;
  password: string;
  accounts: { role: Role; email: string }[];
  responses: number;
  complaints: number;
  alreadySeeded: boolean;
  /** The demo organisation's complaint address, or null when EMAIL_DOMAIN is not set. */
  complaintEmail: string | null;
};

const TOUCHPOINTS = ["store", "web", "call_centre"];
const REGIONS = ["north", "east", "south", "west"];
const TIERS = ["standard", "gold", "platinum"];
const COMPLAINT_TEXTS = ["快递晚到了三天。", "The product stopped working after a week.", "客服电话一直打不通。", "I was charged twice."];

export async function seedDemo(
  env: AppBindings,
  controlDb: Db,
  options: { now?: Date; seedComplaints?: (ctx: { organizationId: string; surveyId: string; userIds: Record<Role, string>; now: Date }) => Promise<number> } = {},
): Promise<DemoSeedSummary> {
  const now = options.now ?? new Date();
  const { organizationId, userIds: byEmail } = await ensureOrganisation(env, controlDb, {
    name: "Feedloop Demo",
    slug: DEMO_ORGANISATION_SLUG,
    timeZone: "Asia/Shanghai",
    members: demoAccounts.map((a) => ({ ...a, password: DEMO_PASSWORD })),
  });
  // Everything below is the organisation's own data: in its shard (docs/scaling.md 4.1).
  const db = await organisationDb(env, organizationId);
  const userIds = Object.fromEntries(demoAccounts.map((a) => [a.role, byEmail[a.email]!])) as Record<Role, string>;
  const owner: Principal = { kind: "user", id: userIds.owner, name: "Demo owner", organizationId, role: "owner" };

  if (env.DEMO_API_KEY) {
    const exists = await apiKeyHashExists(db, await sha256Hex(env.DEMO_API_KEY));
    if (!exists) await createApiKey(db, owner, { name: "Demo admin key (local only)", role: "admin", plainKey: env.DEMO_API_KEY });
  }

  let survey = await findSurveyBySlug(db, DEMO_SURVEY_SLUG);
  if (!survey) {
    survey = await createSurvey(db, owner, { slug: DEMO_SURVEY_SLUG, definition: getTemplate("acsi_loyalty"), accessMode: "both" });
    survey = await publishSurvey(db, owner, survey.id);
  }
  const existing = await countSurveyResponses(db, survey.id);
  const alreadySeeded = existing >= DEMO_RESPONSE_COUNT;
  if (!alreadySeeded) {
    const definition = await loadVersionDefinition(db, survey.id, survey.publishedVersion!);
    const simulated = simulateAcsiResponses({ n: DEMO_RESPONSE_COUNT, seed: DEMO_SEED });
    const random = createSeededRandom(DEMO_SEED + 1);
    const pick = <T,>(list: T[]) => list[Math.floor(random() * list.length)]!;
    // A second stream for the loyalty-model answers keeps the ACSI answers, days and segments as before.
    const loyaltyRandom = createSeededRandom(DEMO_SEED + 2);
    const commentRandom = createSeededRandom(DEMO_SEED + 3);
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));
    for (let r = existing; r < DEMO_RESPONSE_COUNT; r++) {
      const row = simulated.rows[r]!;
      const answers: Answers = {};
      simulated.itemIds.forEach((id, k) => (answers[id] = id === "complained" ? row[k] === 1 : row[k]!));
      // NPS and the five-level item follow loyalty and satisfaction with some noise, as real answers do.
      answers.nps = clamp(((answers.loy_repurchase as number) - 1) * (10 / 9) + (random() - 0.5) * 3, 0, 10);
      answers.sat_level = clamp(1 + ((answers.sat_overall as number) - 1) * (4 / 9) + (random() - 0.5), 1, 5);
      if (answers.complained === true) answers.complaint_detail = pick(COMPLAINT_TEXTS);
      const completedAt = new Date(now.getTime() - Math.floor(random() * 180 * 86_400_000));
      const hidden = { touchpoint: pick(TOUCHPOINTS), region: pick(REGIONS), tier: pick(TIERS), customer_status: addDemoLoyaltyAnswers(answers, loyaltyRandom) };
      const language = random() < 0.6 ? "zh-CN" : "en";
      // Realistic words for the comments the simulation decided on (their own stream: the answers stay as they were).
      if (typeof answers.comment === "string") {
        answers.comment = demoOpenAnswer(commentRandom, { satisfaction: answers.sat_overall as number, language, daysAgo: (now.getTime() - completedAt.getTime()) / 86_400_000 });
      }
      await saveSubmission(db, {
        survey,
        definition,
        version: survey.publishedVersion!,
        submissionId: `demo-${DEMO_SEED}-${r}`,
        invitation: null,
        answers,
        hidden,
        language,
        complete: true,
        currentPage: definition.pages.length - 1,
        resumeHash: null,
        respondentEmail: null,
        ip: null,
        existing: null,
        now: completedAt,
      });
    }
    // The demo's follow-up work was done "at the time": no complaint triggers fire for history.
    await markSurveyTriggersEvaluated(db, survey.id, now);
  }
  // …and so was the scoring of its open answers (idempotent: a scored answer is not scored again).
  await scoreSurveyOpenAnswers(db, survey.id, now);
  await compactSurveyStats(db, survey.id);
  const complaints = options.seedComplaints ? await options.seedComplaints({ organizationId, surveyId: survey.id, userIds, now }) : 0;
  // Complaint texts wait for the queue consumer; the demo scores them now so the desk shows its suggestions at once.
  for (let chunk = 0; chunk < 20; chunk++) if ((await rescoreStale(db, now, { organizationId })).examined < RESCORE_CHUNK) break;
  return {
    organizationId,
    surveyId: survey.id,
    password: DEMO_PASSWORD,
    accounts: demoAccounts.map(({ role, email }) => ({ role, email })),
    responses: DEMO_RESPONSE_COUNT,
    complaints,
    alreadySeeded,
    complaintEmail: env.EMAIL_DOMAIN ? organisationComplaintAddress(DEMO_ORGANISATION_SLUG, env.EMAIL_DOMAIN) : null,
  };
}
