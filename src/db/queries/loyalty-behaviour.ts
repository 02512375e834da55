/**
 * What customers did with the organisation's feedback channels, for the participation component
 * of the loyalty composite (seeds digest C3: participation = involving customers, listening and
 * acting on it): invitations sent and completed, complaints raised and followed through. Two
 * aggregate COUNT queries over indexed columns (organisation × survey, organisation × received_at),
 * grouped by the respondent status carried in the invitation's / complaint's hidden fields.
 */
import type { Db } from "../../env";
import type { SurveyDefinition } from "../../domain/survey/definition";
import type { BehaviourByStatus } from "../../domain/loyalty/report";
import { isRespondentStatus, type StatusGroupKey } from "../../domain/loyalty/stats";
import type { DayRange, SegmentFilter } from "./analytics";
import { SEGMENT_DIMENSIONS } from "./analytics";

const DAY_MS = 86_400_000;

function rangeMs(range: DayRange): { from: number; to: number } {
  return {
    from: range.from ? Date.parse(`${range.from}T00:00:00Z`) : 0,
    to: range.to ? Date.parse(`${range.to}T00:00:00Z`) + DAY_MS : Number.MAX_SAFE_INTEGER,
  };
}

const statusKey = (value: unknown): StatusGroupKey => (isRespondentStatus(value) ? value : "unspecified");

function addTo(out: BehaviourByStatus, key: StatusGroupKey | "all", kind: "invitations" | "complaints", first: number, second: number): void {
  const entry = (out[key] ??= {});
  if (kind === "invitations") {
    const current = entry.invitations ?? { sent: 0, completed: 0 };
    entry.invitations = { sent: current.sent + first, completed: current.completed + second };
  } else {
    const current = entry.complaints ?? { raised: 0, followedThrough: 0 };
    entry.complaints = { raised: current.raised + first, followedThrough: current.followedThrough + second };
  }
}

/**
 * Invitations of this survey created in the range (sent / completed), and the organisation's
 * complaints received in the range (raised / followed through: the customer answered the
 * post-closure handling survey, i.e. stayed with the complaint to its end), by respondent status.
 * Segment filters apply through the invitations' hidden fields and the complaints' segment columns.
 */
export async function loadParticipationBehaviour(
  db: Db,
  organizationId: string,
  surveyId: string,
  definition: SurveyDefinition,
  statusFieldId: string | null,
  range: DayRange,
  filter: SegmentFilter,
): Promise<BehaviourByStatus> {
  const d1 = db.$client;
  const { from, to } = rangeMs(range);
  const statusPath = statusFieldId ? `$.${statusFieldId}` : "$.__none__";
  const invitationFilters: string[] = [];
  const invitationParams: string[] = [];
  const complaintFilters: string[] = [];
  const complaintParams: string[] = [];
  for (const dimension of SEGMENT_DIMENSIONS) {
    const value = filter[dimension];
    if (value === undefined) continue;
    const field = definition.hiddenFields.find((f) => f.segment === dimension);
    // A filter on a segment the survey's links do not carry matches no invitation.
    invitationFilters.push(field ? `json_extract(hidden, ?${5 + invitationParams.length}) = ?${6 + invitationParams.length}` : "0");
    if (field) invitationParams.push(`$.${field.id}`, value);
    complaintFilters.push(`${dimension} = ?${5 + complaintParams.length}`);
    complaintParams.push(value);
  }
  const [invitations, complaints] = await d1.batch([
    d1
      .prepare(
        `SELECT json_extract(hidden, ?4) AS status, count(*) AS first, count(completed_at) AS second FROM survey_invitations
         WHERE organization_id = ?1 AND survey_id = ?2 AND created_at >= ?3 AND created_at < ?${5 + invitationParams.length}
         ${invitationFilters.map((f) => `AND ${f}`).join(" ")} GROUP BY 1`,
      )
      .bind(organizationId, surveyId, from, statusPath, ...invitationParams, to),
    d1
      .prepare(
        `SELECT json_extract(segment, ?2) AS status, count(*) AS first, count(handling_responded_at) AS second FROM complaints
         WHERE organization_id = ?1 AND received_at >= ?3 AND received_at < ?4 ${complaintFilters.map((f) => `AND ${f}`).join(" ")} GROUP BY 1`,
      )
      .bind(organizationId, statusPath, from, to, ...complaintParams),
  ]);
  const out: BehaviourByStatus = {};
  for (const [result, kind] of [[invitations, "invitations"], [complaints, "complaints"]] as const) {
    for (const row of (result as D1Result<{ status: unknown; first: number; second: number }>).results) {
      addTo(out, statusKey(row.status), kind, row.first, row.second);
      addTo(out, "all", kind, row.first, row.second);
    }
  }
  return out;
}
