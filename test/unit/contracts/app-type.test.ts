/**
 * The one contract between the Worker and the web app, checked by the compiler (`npm run typecheck`):
 * `AppType` (the chained routers of src/index.ts) must carry every route the web app calls, and what
 * those routes answer must be the very types the web app reads from src/contracts. Remove a route,
 * unchain a router or let a handler answer another shape, and this file stops compiling.
 */
import type { ExtractSchema } from "hono/types";
import type { hc, InferResponseType } from "hono/client";
import { describe, expectTypeOf, it } from "vitest";
import type { AppType } from "../../../src/index";
import type { ComplaintConfig, ComplaintDetail, ComplaintList, Team } from "../../../src/contracts/complaints";
import type { Member } from "../../../src/contracts/organisation";
import type { Funnel, ResponseItem } from "../../../src/contracts/responses";
import type { CreatedInvitation, Invitation, SurveyDetail, SurveySummary } from "../../../src/contracts/surveys";
import type { Me } from "../../../src/contracts/me";
import type { ApiKey } from "../../../src/contracts/api-keys";
import type { IndicesResponse } from "../../../src/contracts/analytics";

type Client = ReturnType<typeof hc<AppType>>;
type Routes = keyof ExtractSchema<AppType>;

/** Every API path the web app calls (web/src), as Hono names them. */
type WebCalls =
  | "/api/me"
  | "/api/api-keys"
  | "/api/api-keys/:id"
  | "/api/audit"
  | "/api/benchmarks"
  | "/api/benchmarks/:benchmarkId"
  | "/api/complaint-config"
  | "/api/complaint-teams"
  | "/api/complaints"
  | "/api/complaints/:id"
  | "/api/complaints/:id/transitions"
  | "/api/complaints/:id/notes"
  | "/api/complaints/:id/replies"
  | "/api/complaints/:id/assignment"
  | "/api/complaints/:id/classification"
  | "/api/complaints/:id/handoffs"
  | "/api/complaints/:id/handoffs/:handoffId"
  | "/api/complaints/:id/status-link"
  | "/api/complaints/:id/suggestion"
  | "/api/exports/:exportId"
  | "/api/organisation/invitations"
  | "/api/organisation/invitations/:invitationId"
  | "/api/organisation/members"
  | "/api/organisation/members/:memberId"
  | "/api/organisation/settings"
  | "/api/public/staff-invitations/:token"
  | "/api/staff-invitations/:token/accept"
  | "/api/respondents/export"
  | "/api/survey-templates"
  | "/api/surveys"
  | "/api/surveys/import"
  | "/api/surveys/:id"
  | "/api/surveys/:id/draft"
  | "/api/surveys/:id/publish"
  | "/api/surveys/:id/close"
  | "/api/surveys/:id/duplicate"
  | "/api/surveys/:id/export"
  | "/api/surveys/:id/funnel"
  | "/api/surveys/:id/settings"
  | "/api/surveys/:id/indices"
  | "/api/surveys/:id/indices/change"
  | "/api/surveys/:id/indices/trend"
  | "/api/surveys/:id/indices/segments"
  | "/api/surveys/:id/indices/segments/tests"
  | "/api/surveys/:id/invitations"
  | "/api/surveys/:id/invitations/remind"
  | "/api/surveys/:id/kano"
  | "/api/surveys/:id/loyalty"
  | "/api/surveys/:id/open-answers"
  | "/api/surveys/:id/open-answers/comments"
  | "/api/surveys/:id/plans"
  | "/api/surveys/:id/responses"
  | "/api/surveys/:id/responses/exports"
  | "/api/webhooks"
  | "/api/webhooks/:id"
  | "/api/webhooks/:id/deliveries"
  | "/api/webhooks/:id/test";

type Ok<Endpoint> = InferResponseType<Endpoint, 200>;

describe("AppType carries the web app's contract", () => {
  it("has every route the web app calls", () => {
    // Names any path the web app calls that AppType lacks (never when all are there).
    expectTypeOf<Exclude<WebCalls, Routes>>().toEqualTypeOf<never>();
  });

  it("answers complaints with the contract's types", () => {
    expectTypeOf<Ok<Client["api"]["complaints"]["$get"]>>().toExtend<ComplaintList>();
    expectTypeOf<Ok<Client["api"]["complaints"][":id"]["$get"]>>().toExtend<ComplaintDetail>();
    expectTypeOf<Ok<Client["api"]["complaints"][":id"]["transitions"]["$post"]>>().toExtend<{ complaint: ComplaintDetail }>();
    expectTypeOf<Ok<Client["api"]["complaint-config"]["$get"]>>().toExtend<ComplaintConfig>();
    expectTypeOf<Ok<Client["api"]["complaint-teams"]["$get"]>>().toExtend<{ items: Team[] }>();
    expectTypeOf<Ok<Client["api"]["organisation"]["members"]["$get"]>>().toExtend<{ items: Member[] }>();
  });

  it("answers surveys, invitations and responses with the contract's types", () => {
    expectTypeOf<Ok<Client["api"]["surveys"]["$get"]>>().toExtend<{ items: SurveySummary[] }>();
    expectTypeOf<Omit<Ok<Client["api"]["surveys"][":id"]["$get"]>, "draftDefinition">>().toExtend<Omit<SurveyDetail, "draftDefinition">>();
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["invitations"]["$get"]>>().toExtend<{ total: number; items: Invitation[] }>();
    expectTypeOf<InferResponseType<Client["api"]["surveys"][":id"]["invitations"]["$post"], 201>>().toExtend<{ items: CreatedInvitation[] } | object>();
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["funnel"]["$get"]>>().toExtend<Funnel>();
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["responses"]["$get"]>["items"]>().toExtend<ResponseItem[]>();
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["indices"]["$get"]>>().toExtend<IndicesResponse>();
    expectTypeOf<Ok<Client["api"]["me"]["$get"]>>().toExtend<Me>();
    expectTypeOf<Ok<Client["api"]["api-keys"]["$get"]>>().toExtend<{ items: ApiKey[] }>();
  });
});
