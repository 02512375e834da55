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
import type {
  CreatedInvitation,
  Invitation,
  ReminderPreview,
  ReminderResult,
  SurveyDetail,
  SurveySettings,
  SurveySettingsUpdate,
  SurveySummary,
} from "../../../src/contracts/surveys";
import type { Me } from "../../../src/contracts/me";
import type { ReportSchedule } from "../../../src/contracts/report-schedules";
import type { ApiKey } from "../../../src/contracts/api-keys";
import type { BootstrapRun, IndicesResponse } from "../../../src/contracts/analytics";
import type { AuditPage } from "../../../src/contracts/audit";
import type { InvitationTemplatePreview, InvitationTemplateState } from "../../../src/contracts/email-templates";
import type { ExportJob } from "../../../src/contracts/exports";
import type { Erasure, RespondentExport } from "../../../src/contracts/respondents";
import type { ResponseTags } from "../../../src/contracts/responses";
import type { WebhookDeliveryPage, WebhookEndpoint, WebhookTestResult } from "../../../src/contracts/webhooks";
import type { ComplaintBulkResult, RenderedReply, ReplyTemplateList, StatusLink } from "../../../src/contracts/complaints";
import type { Deactivation, OrganisationSettings, PublicStaffInvitation, StaffInvitation } from "../../../src/contracts/organisation";

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
  | "/api/complaints/:id/reply-templates/:templateId"
  | "/api/complaints/bulk"
  | "/api/reply-templates"
  | "/api/reply-templates/:id"
  | "/api/report-schedules"
  | "/api/report-schedules/:id"
  | "/api/report-schedules/:id/preview"
  | "/api/organisation/invitation-template"
  | "/api/organisation/invitation-template/preview"
  | "/api/surveys/:id/indices/bootstrap"
  | "/api/surveys/:id/indices/bootstrap/:runId"
  | "/api/surveys/:id/invitations/import"
  | "/api/surveys/:id/responses/:responseId/tags"
  | "/api/exports/:exportId"
  | "/api/organisation/invitations"
  | "/api/organisation/invitations/:invitationId"
  | "/api/organisation/members"
  | "/api/organisation/members/:memberId"
  | "/api/organisation/settings"
  | "/api/public/staff-invitations/:token"
  | "/api/staff-invitations/:token/accept"
  | "/api/respondents"
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
    expectTypeOf<Ok<Client["api"]["report-schedules"]["$get"]>>().toExtend<{ items: ReportSchedule[] }>();
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

  it("answers the admin pages with the contract's types", () => {
    expectTypeOf<Ok<Client["api"]["audit"]["$get"]>>().toExtend<AuditPage>();
    expectTypeOf<Ok<Client["api"]["webhooks"]["$get"]>>().toExtend<{ items: WebhookEndpoint[] }>();
    expectTypeOf<Ok<Client["api"]["webhooks"][":id"]["deliveries"]["$get"]>>().toExtend<WebhookDeliveryPage>();
    expectTypeOf<Ok<Client["api"]["webhooks"][":id"]["test"]["$post"]>>().toExtend<WebhookTestResult>();
    expectTypeOf<Ok<Client["api"]["organisation"]["members"][":memberId"]["$delete"]>>().toExtend<Deactivation>();
    expectTypeOf<Ok<Client["api"]["organisation"]["invitations"]["$get"]>>().toExtend<{ items: StaffInvitation[] }>();
    expectTypeOf<Ok<Client["api"]["organisation"]["settings"]["$get"]>>().toExtend<OrganisationSettings>();
    expectTypeOf<Ok<Client["api"]["public"]["staff-invitations"][":token"]["$get"]>>().toExtend<PublicStaffInvitation>();
    expectTypeOf<Ok<Client["api"]["respondents"]["export"]["$get"]>>().toExtend<RespondentExport>();
    expectTypeOf<Ok<Client["api"]["respondents"]["$delete"]>>().toExtend<Erasure>();
    expectTypeOf<Ok<Client["api"]["organisation"]["invitation-template"]["$get"]>>().toExtend<InvitationTemplateState>();
    expectTypeOf<Ok<Client["api"]["organisation"]["invitation-template"]["preview"]["$post"]>>().toExtend<InvitationTemplatePreview>();
  });

  it("answers the builder, exports, dashboard and desk extras with the contract's types", () => {
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["settings"]["$get"]>>().toExtend<SurveySettings>();
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["settings"]["$patch"]>>().toExtend<SurveySettingsUpdate>();
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["invitations"]["remind"]["$post"]>>().toExtend<ReminderResult>();
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["invitations"]["remind"]["$get"]>>().toExtend<ReminderPreview>();
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["responses"][":responseId"]["tags"]["$put"]>>().toExtend<ResponseTags>();
    expectTypeOf<Ok<Client["api"]["exports"][":exportId"]["$get"]>>().toExtend<ExportJob>();
    expectTypeOf<InferResponseType<Client["api"]["surveys"][":id"]["indices"]["bootstrap"]["$post"], 202>>().toExtend<BootstrapRun>();
    expectTypeOf<Ok<Client["api"]["surveys"][":id"]["indices"]["bootstrap"][":runId"]["$get"]>>().toExtend<BootstrapRun>();
    expectTypeOf<Ok<Client["api"]["reply-templates"]["$get"]>>().toExtend<ReplyTemplateList>();
    expectTypeOf<Ok<Client["api"]["complaints"][":id"]["reply-templates"][":templateId"]["$get"]>>().toExtend<RenderedReply>();
    expectTypeOf<Ok<Client["api"]["complaints"][":id"]["status-link"]["$get"]>>().toExtend<StatusLink>();
    expectTypeOf<Ok<Client["api"]["complaints"]["bulk"]["$post"]>>().toExtend<ComplaintBulkResult>();
  });
});
