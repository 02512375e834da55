/** Actors the system records on complaint timelines. */
import type { ComplaintActor } from "../../domain/complaints";

export const SURVEY_TRIGGER_ACTOR: ComplaintActor = { kind: "system", id: "survey-trigger", name: "Survey trigger" };
export const PUBLIC_FORM_ACTOR_ID = "complaint-form";
