/**
 * Why a personal invitation refuses a submission. Shared by the read before a write (survey-access)
 * and by the explanation of a write batch that resolved the token itself and changed nothing
 * (responses), so both answer with the same problem.
 */
import { ProblemError } from "../../lib/problem";

export type SurveyUnavailableReason = "unknown" | "closed" | "not_yet_open" | "quota_reached" | "invitation_only";
export type TokenProblem = "invalid" | "expired" | "not_yet_valid" | "spent";

export class SurveyAccessError extends ProblemError {
  readonly reason: SurveyUnavailableReason | TokenProblem;
  constructor(reason: SurveyUnavailableReason | TokenProblem, problem: ConstructorParameters<typeof ProblemError>[0], detail: string) {
    super(problem, detail, { extensions: { reason } });
    this.reason = reason;
  }
}

type InvitationValidity = { validFrom: Date | null; validUntil: Date | null; usesLeft: number };

/**
 * The refusal for this invitation (undefined: no invitation with that token for the survey), or
 * null when it may be used now. `completing` also requires a use left.
 */
export function invitationRefusal(invitation: InvitationValidity | undefined, now: Date, options: { completing: boolean }): SurveyAccessError | null {
  if (!invitation) return new SurveyAccessError("invalid", "not-found", "This invitation link is not valid. Check that you copied the whole link.");
  if (invitation.validFrom && invitation.validFrom.getTime() > now.getTime()) {
    return new SurveyAccessError("not_yet_valid", "survey-unavailable", `This invitation becomes valid on ${invitation.validFrom.toISOString()}.`);
  }
  if (invitation.validUntil && invitation.validUntil.getTime() <= now.getTime()) {
    return new SurveyAccessError("expired", "gone", "This invitation link has expired.");
  }
  if (options.completing && invitation.usesLeft <= 0) {
    return new SurveyAccessError("spent", "token-spent", "This personal invitation has already been used to complete the survey.");
  }
  return null;
}
