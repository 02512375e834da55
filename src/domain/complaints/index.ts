/**
 * Complaint handling domain (ISO 10002 workflow, SLA, escalation, routing, survey triggers,
 * analytics). Pure TypeScript: no Hono, no D1, no clock — every time-dependent function takes
 * `now`. Routes and jobs import from here.
 */
export * from "./primitives";
export * from "./classification";
export * from "./reference";
export * from "./complaint";
export * from "./events";
export * from "./state-machine";
export * from "./customer-actions";
export * from "./activities";
export * from "./handoff";
export * from "./business-calendar";
export * from "./sla";
export * from "./escalation";
export * from "./conditions";
export * from "./routing";
export * from "./triggers";
export * from "./analytics";
export * from "./bulk";
export * from "./reply-templates";
