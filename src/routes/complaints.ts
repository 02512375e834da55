/**
 * Staff complaint API: intake by staff (phone, in person) or API key, the queue, the complaint page,
 * workflow transitions, notes, public replies, assignment, hand-offs and analytics.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { staffRoute } from "../auth/principal";
import {
  ANALYTICS_GRANULARITIES,
  BULK_COMPLAINT_LIMIT,
  ComplaintBulkActionSchema,
  COMPLAINT_PRIORITIES,
  COMPLAINT_SEVERITY_LABELS,
  COMPLAINT_STATES,
  ComplaintCategorySchema,
  ComplaintSeverityInputSchema,
  IMPROVEMENT_HANDOFF_STATUSES,
} from "../domain/complaints";
import { createRouter, problemResponses } from "../lib/openapi";
import { notFound, ProblemError, validationProblem } from "../lib/problem";
import { attachmentStatements, findComplaintAttachment } from "../db/queries/inbound-email";
import { INBOUND_EMAIL_LIMITS, screenAttachments } from "../domain/email/attachments";
import { attachmentDownload, type AttachmentUpload, deleteAttachments, putAttachments } from "../lib/attachment-store";
import { complaintStatusSecret, complaintStatusUrl, findComplaint, loadComplaintContext } from "../db/queries/complaints";
import { createComplaint } from "../db/queries/complaints-intake";
import { complaintDetail, listComplaints } from "../db/queries/complaints-list";
import { assignComplaint, complaintActivity, createHandoff, staffParty, transitionComplaint, updateHandoffStatus } from "../db/queries/complaints-actions";
import { complaintAnalytics } from "../db/queries/complaints-analytics";
import { bulkComplaintAction } from "../db/queries/complaints-bulk";
import { enqueueOutbox } from "../db/queries/outbox";

export const ComplaintIdParam = z.object({ id: z.string().min(1).max(64) });

const STAFF_SOURCES = ["staff_entry", "phone", "email", "chat", "in_person", "social", "other"] as const;
const SegmentKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "a lower-case identifier");
const SeverityInput = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.enum(COMPLAINT_SEVERITY_LABELS)]).openapi({
  description: "1 (low) … 4 (critical), or low | medium | high | critical",
});

const ContactSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().max(320).optional(),
    phone: z.string().trim().regex(/^[0-9+()\-\s]{3,40}$/, "a phone number").optional(),
  })
  .strict();

const CreateComplaintSchema = z
  .object({
    subject: z.string().trim().min(1).max(300),
    description: z.string().trim().min(1).max(20_000),
    source: z.enum(STAFF_SOURCES).default("staff_entry").openapi({ description: "How the complaint reached staff" }),
    category: ComplaintCategorySchema.optional(),
    touchpoint: z.string().trim().min(1).max(100).optional(),
    region: z.string().trim().min(1).max(100).optional(),
    tier: z.string().trim().min(1).max(100).optional(),
    segment: z.record(SegmentKey, z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
    severity: SeverityInput.optional(),
    priority: z.enum(COMPLAINT_PRIORITIES).optional(),
    desiredRemedy: z.string().trim().min(1).max(5000).optional(),
    contact: ContactSchema.optional(),
    anonymous: z.boolean().default(false),
    language: z.enum(["zh-CN", "en"]).default("zh-CN"),
  })
  .strict()
  .openapi("NewComplaint");

const ComplaintListItemSchema = z
  .object({
    id: z.string(),
    reference: z.string(),
    subject: z.string(),
    state: z.enum(COMPLAINT_STATES),
    priority: z.enum(COMPLAINT_PRIORITIES),
    severity: z.number().nullable(),
    category: z.string().nullable(),
    touchpoint: z.string().nullable(),
    source: z.string(),
    teamId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    contactName: z.string().nullable(),
    anonymous: z.boolean(),
    receivedAt: z.string(),
    nextDueAt: z.string().nullable(),
    resolutionDueAt: z.string().nullable(),
    overdue: z.boolean(),
    slaPaused: z.boolean(),
    reopenCount: z.number(),
    updatedAt: z.string(),
  })
  .openapi("ComplaintListItem");

const TimelineEntrySchema = z
  .object({
    id: z.string(),
    type: z.string(),
    visibility: z.enum(["internal", "public"]),
    actor: z.object({ kind: z.string(), id: z.string(), name: z.string().nullable() }),
    data: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .openapi("ComplaintEvent");

const SlaMilestoneSchema = z.object({
  milestone: z.enum(["acknowledge", "first_response", "resolution"]),
  targetMinutes: z.number(),
  dueAt: z.string(),
  metAt: z.string().nullable(),
  breached: z.boolean(),
  approaching: z.boolean(),
  remainingMinutes: z.number(),
  overdueMinutes: z.number(),
});

const HandoffSchema = z
  .object({
    id: z.string(),
    complaintId: z.string(),
    rootCause: z.string(),
    correctiveAction: z.string(),
    preventiveAction: z.string().nullable(),
    ownerId: z.string(),
    ownerTeamId: z.string().nullable(),
    dueDate: z.string(),
    status: z.enum(IMPROVEMENT_HANDOFF_STATUSES),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ImprovementHandoff");

const ComplaintDetailSchema = ComplaintListItemSchema.extend({
  description: z.string(),
  region: z.string().nullable(),
  tier: z.string().nullable(),
  segment: z.record(z.string(), z.unknown()),
  desiredRemedy: z.string().nullable(),
  proposedRemedy: z.string().nullable(),
  resolution: z.record(z.string(), z.unknown()).nullable(),
  contact: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), anonymous: z.boolean() }),
  language: z.string(),
  sourceResponseId: z.string().nullable(),
  sourceSurveyId: z.string().nullable(),
  waitingFrom: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  firstRespondedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  staffPublicReplyCount: z.number(),
  escalations: z.array(z.object({ milestone: z.string(), level: z.number(), at: z.string() })),
  assignee: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  team: z.object({ id: z.string(), name: z.string() }).nullable(),
  sla: z.object({
    priority: z.string(),
    hoursMode: z.string(),
    paused: z.boolean(),
    pausedIntervals: z.array(z.object({ from: z.string(), to: z.string() })),
    promisedResolutionAt: z.string(),
    milestones: z.array(SlaMilestoneSchema),
  }),
  legalTransitions: z.array(z.object({ name: z.string(), to: z.string().nullable(), description: z.string(), satisfies: z.array(z.string()) })),
  timeline: z.array(TimelineEntrySchema),
  handoffs: z.array(HandoffSchema),
  attachments: z
    .array(z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), createdAt: z.string() }))
    .openapi({ description: "Files the customer e-mailed (GET …/attachments/{attachmentId} downloads one)" }),
  handlingSurvey: z.object({
    invitationIssued: z.boolean(),
    url: z.string().nullable(),
    responseId: z.string().nullable(),
    csat: z.number().nullable(),
    ces: z.number().nullable(),
    resolved: z.boolean().nullable(),
    respondedAt: z.string().nullable(),
  }),
  customerContext: z.object({
    sourceResponse: z.record(z.string(), z.unknown()).nullable(),
    otherResponses: z.array(z.record(z.string(), z.unknown())),
    pastComplaints: z.array(z.record(z.string(), z.unknown())),
  }),
  version: z.number(),
}).openapi("Complaint");

const CreatedComplaintSchema = ComplaintDetailSchema.extend({
  statusUrl: z.string().openapi({ description: "The customer's secret status link; give it to the customer (it is not shown again in lists)" }),
}).openapi("CreatedComplaint");

const ListQuery = z.object({
  status: z.string().max(200).optional().openapi({ description: "State or comma-separated states, e.g. received,acknowledged" }),
  priority: z.string().max(100).optional().openapi({ description: "Priority or comma-separated priorities" }),
  team: z.string().max(64).optional().openapi({ description: "Team id, or none" }),
  owner: z.string().max(64).optional().openapi({ description: "Assignee user id, me, or none" }),
  category: ComplaintCategorySchema.optional(),
  source: z.string().max(40).optional(),
  overdue: z.enum(["true", "false"]).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: "Search in reference, subject, description and contact" }),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

const TransitionBodySchema = z
  .object({ to: z.enum(COMPLAINT_STATES) })
  .catchall(z.unknown())
  .openapi("ComplaintTransition", {
    description:
      "`to` is the target state; the other fields are the transition's payload: assess {priority, category, severity?, note?}, respond {publicReply, proposedRemedy}, request_information {publicReply}, close {resolution: {outcome: accepted} | {outcome: closed_with_disagreement, customerDisagreement, alternativesOffered?}, publicReply?}, reopen {reason}, revise_response {reason}, acknowledge {message?}, start_investigation {note?}, resume_from_waiting {note?}.",
    example: { to: "assessed", priority: "high", category: "billing" },
  });

const TextBody = z.object({ text: z.string().trim().min(1).max(10_000) }).strict();
const AssignmentBody = z
  .object({
    auto: z.boolean().optional().openapi({ description: "true: route by the rules and the team's strategy" }),
    teamId: z.string().min(1).max(64).nullable().optional(),
    assigneeId: z.string().min(1).max(64).nullable().optional(),
  })
  .strict()
  .refine((v) => v.auto === true || v.teamId !== undefined || v.assigneeId !== undefined, { message: "give teamId and/or assigneeId, or auto: true" });
const ClassificationBody = z
  .object({
    priority: z.enum(COMPLAINT_PRIORITIES).optional(),
    severity: SeverityInput.optional(),
    category: ComplaintCategorySchema.optional(),
    reason: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();
const HandoffBody = z
  .object({
    rootCause: z.string().trim().min(1).max(10_000),
    correctiveAction: z.string().trim().min(1).max(10_000),
    preventiveAction: z.string().trim().min(1).max(10_000).optional(),
    ownerId: z.string().min(1).max(64),
    ownerTeamId: z.string().min(1).max(64).nullable().optional(),
    dueDate: z.iso.date(),
  })
  .strict();

const ActionResultSchema = z.object({ complaint: ComplaintDetailSchema });

const BulkBodySchema = z
  .object({
    ids: z.array(z.string().min(1).max(64)).min(1).max(BULK_COMPLAINT_LIMIT),
    action: ComplaintBulkActionSchema.openapi({
      description: "assign {assigneeId | null}, set_priority {priority}, or close_as_duplicate {duplicateOf: the kept complaint's id or reference}",
    }),
  })
  .strict()
  .openapi("ComplaintBulkAction");

const BulkResultSchema = z
  .object({
    bulkId: z.string(),
    changed: z.number(),
    unchanged: z.number(),
    failed: z.number(),
    results: z.array(
      z.object({
        id: z.string(),
        reference: z.string().nullable(),
        ok: z.boolean(),
        changed: z.boolean().optional(),
        state: z.string().optional(),
        reason: z.string().optional().openapi({ description: "not_found, illegal_transition, invalid_payload, forbidden_actor, is_duplicate_target or conflict" }),
        message: z.string().optional(),
      }),
    ),
  })
  .openapi("ComplaintBulkResult");

const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,100}$/)
    .optional()
    .openapi({ description: "Send the same key again to get the same complaint instead of a second one" }),
});

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true as const });

const createComplaintRoute = staffRoute({
  method: "post",
  path: "/complaints",
  tags: ["complaints"],
  summary: "Record a complaint taken by staff (phone, in person, e-mail) or sent by another system",
  permission: "complaints:write",
  request: { headers: IdempotencyHeader, body: json(CreateComplaintSchema) },
  responses: {
    201: { description: "Recorded", content: { "application/json": { schema: CreatedComplaintSchema } } },
    200: { description: "Already recorded with this Idempotency-Key", content: { "application/json": { schema: CreatedComplaintSchema } } },
    ...problemResponses(401, 403, 422),
  },
});

const listRoute = staffRoute({
  method: "get",
  path: "/complaints",
  tags: ["complaints"],
  summary: "The complaint queue, what is due first at the top, with counts per status",
  permission: "complaints:read",
  request: { query: ListQuery },
  responses: {
    200: {
      description: "Complaints",
      content: {
        "application/json": {
          schema: z.object({
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
            counts: z.record(z.string(), z.number()).openapi({ description: "Per state (under the other filters) plus `overdue`" }),
            items: z.array(ComplaintListItemSchema),
          }),
        },
      },
    },
    ...problemResponses(400, 401, 403),
  },
});

const bulkRoute = staffRoute({
  method: "post",
  path: "/complaints/bulk",
  tags: ["complaints"],
  summary: "Apply one action to several complaints: each is checked by the workflow rules and reported; the changes are written in one batch",
  permission: "complaints:write",
  request: { body: json(BulkBodySchema) },
  responses: { 200: { description: "A result per complaint", content: { "application/json": { schema: BulkResultSchema } } }, ...problemResponses(401, 403, 422) },
});

const analyticsRoute = staffRoute({
  method: "get",
  path: "/complaints/analytics",
  tags: ["complaints"],
  summary: "Complaint KPIs: volume by category/touchpoint/segment, handling times, SLA compliance, reopen and first-contact resolution, handling satisfaction, volume anomalies",
  permission: "complaints:read",
  request: {
    query: z.object({
      from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().openapi({ description: "Default: 90 days before `to`" }),
      to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().openapi({ description: "Default: now" }),
      granularity: z.enum(ANALYTICS_GRANULARITIES).default("week"),
    }),
  },
  responses: {
    200: { description: "Analytics", content: { "application/json": { schema: z.record(z.string(), z.unknown()).openapi("ComplaintAnalytics") } } },
    ...problemResponses(400, 401, 403),
  },
});

const getRoute = staffRoute({
  method: "get",
  path: "/complaints/{id}",
  tags: ["complaints"],
  summary: "A complaint with its timeline, SLA status per milestone, legal next steps and customer context",
  permission: "complaints:read",
  request: { params: ComplaintIdParam },
  responses: { 200: { description: "The complaint", content: { "application/json": { schema: ComplaintDetailSchema } } }, ...problemResponses(401, 403, 404) },
});

const attachmentRoute = staffRoute({
  method: "get",
  path: "/complaints/{id}/attachments/{attachmentId}",
  tags: ["complaints"],
  summary: "Download a file the customer e-mailed with the complaint or a reply",
  permission: "complaints:read",
  request: { params: ComplaintIdParam.extend({ attachmentId: z.string().max(64) }) },
  responses: { 200: { description: "The file, as an attachment download" }, ...problemResponses(401, 403, 404) },
});

const statusLinkRoute = staffRoute({
  method: "get",
  path: "/complaints/{id}/status-link",
  tags: ["complaints"],
  summary: "The customer's secret status link (to read out or send to a customer who lost it)",
  permission: "complaints:write",
  request: { params: ComplaintIdParam },
  responses: { 200: { description: "Link", content: { "application/json": { schema: z.object({ reference: z.string(), statusUrl: z.string() }) } } }, ...problemResponses(401, 403, 404) },
});

const transitionRoute = staffRoute({
  method: "post",
  path: "/complaints/{id}/transitions",
  tags: ["complaints"],
  summary: "Move the complaint to another state (illegal moves: 409 illegal-transition; invalid payload: 422)",
  permission: "complaints:write",
  request: { params: ComplaintIdParam, body: json(TransitionBodySchema) },
  responses: {
    200: { description: "Moved", content: { "application/json": { schema: ActionResultSchema.extend({ transition: z.string() }) } } },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

const activityRoute = (path: string, summary: string, body: z.ZodType) =>
  staffRoute({
    method: "post",
    path: `/complaints/{id}/${path}`,
    tags: ["complaints"],
    summary,
    permission: "complaints:write",
    request: { params: ComplaintIdParam, body: json(body) },
    responses: { 200: { description: "Done", content: { "application/json": { schema: ActionResultSchema } } }, ...problemResponses(401, 403, 404, 409, 422) },
  });

const noteRoute = activityRoute("notes", "Add an internal note (never shown to the customer)", TextBody);
/** A reply with files: the text and up to five files (`files`, repeated), each screened like a customer's e-mail attachment. */
const ReplyFormBody = z.object({
  text: TextBody.shape.text,
  files: z
    .preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(z.instanceof(File, { message: "each `files` part must be a file" })))
    .openapi({ type: "array", items: { type: "string", format: "binary" }, description: `Up to ${INBOUND_EMAIL_LIMITS.maxAttachments} files; images, PDF, plain text or CSV; each ≤ ${INBOUND_EMAIL_LIMITS.maxAttachmentBytes / 1024 / 1024} MB, together ≤ ${INBOUND_EMAIL_LIMITS.maxTotalAttachmentBytes / 1024 / 1024} MB` }),
});

const replyRoute = staffRoute({
  method: "post",
  path: "/complaints/{id}/replies",
  tags: ["complaints"],
  summary: "Send a public reply to the customer (status page and e-mail), as JSON or, with files, as multipart/form-data",
  permission: "complaints:write",
  request: {
    params: ComplaintIdParam,
    // Not `required`: each media type is validated when the request carries it; any other type is 415.
    body: { content: { "application/json": { schema: TextBody }, "multipart/form-data": { schema: ReplyFormBody } } },
  },
  responses: { 200: { description: "Done", content: { "application/json": { schema: ActionResultSchema } } }, ...problemResponses(401, 403, 404, 409, 413, 415, 422) },
});

/** The files of a reply, or a problem naming the first one refused and why (nothing is stored then). */
function screenReplyFiles(files: File[]): AttachmentUpload[] {
  const screening = screenAttachments(files.map((file) => ({ filename: file.name, mimeType: file.type || "application/octet-stream", size: file.size, file })));
  const refused = screening.refused[0];
  if (refused) {
    const limits = INBOUND_EMAIL_LIMITS;
    const detail = {
      type: [`${refused.filename}: this file type cannot be sent. Send images (JPEG, PNG, GIF, WebP, HEIC), PDF, plain text or CSV.`, "unsupported-media-type"],
      size: [`${refused.filename} is larger than ${limits.maxAttachmentBytes / 1024 / 1024} MB. Send a smaller file or a link to it.`, "payload-too-large"],
      total_size: [`The files together are larger than ${limits.maxTotalAttachmentBytes / 1024 / 1024} MB (at ${refused.filename}). Send fewer or smaller files.`, "payload-too-large"],
      count: [`A reply carries at most ${limits.maxAttachments} files (${refused.filename} is one too many).`, "validation-failed"],
    } as const;
    const [message, problem] = detail[refused.reason];
    throw new ProblemError(problem, message, problem === "validation-failed" ? { errors: [{ field: "files", code: "too_many_files", message }] } : {});
  }
  return screening.accepted.map((item) => ({ name: item.name, contentType: item.mimeType.split(";")[0]!.trim().toLowerCase(), size: item.size, content: item.file }));
}
const assignRoute = activityRoute("assignment", "Assign or reassign to a team and/or person, or route automatically", AssignmentBody);
const classifyRoute = activityRoute("classification", "Change priority, severity or category", ClassificationBody);

const handoffRoute = staffRoute({
  method: "post",
  path: "/complaints/{id}/handoffs",
  tags: ["complaints"],
  summary: "Hand off to an improvement owner (root cause, corrective action), separate from the customer reply",
  permission: "complaints:write",
  request: { params: ComplaintIdParam, body: json(HandoffBody) },
  responses: {
    201: { description: "Handed off", content: { "application/json": { schema: z.object({ handoff: HandoffSchema, complaint: ComplaintDetailSchema }) } } },
    ...problemResponses(401, 403, 404, 409, 422),
  },
});

const handoffStatusRoute = staffRoute({
  method: "patch",
  path: "/complaints/{id}/handoffs/{handoffId}",
  tags: ["complaints"],
  summary: "Update a hand-off's status",
  permission: "complaints:write",
  request: {
    params: ComplaintIdParam.extend({ handoffId: z.string().min(1).max(64) }),
    body: json(z.object({ status: z.enum(IMPROVEMENT_HANDOFF_STATUSES) }).strict()),
  },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: HandoffSchema } } }, ...problemResponses(401, 403, 404, 422) },
});

function dispatch(c: Context<AppEnv>, ids: string[]): void {
  if (ids.length > 0) c.executionCtx.waitUntil(enqueueOutbox(c.env, ids));
}

function csv(value: string | undefined): string[] | undefined {
  return value ? value.split(",").map((part) => part.trim()).filter(Boolean) : undefined;
}

/** Splits a comma-separated filter into the allowed values and the rest (undefined: no filter). */
function oneOf<T extends string>(allowed: readonly T[], values: string[] | undefined): { known: T[] | undefined; unknown: string[] } {
  if (!values) return { known: undefined, unknown: [] };
  const isAllowed = (value: string): value is T => (allowed as readonly string[]).includes(value);
  return { known: values.filter(isAllowed), unknown: values.filter((value) => !isAllowed(value)) };
}

function parseInstant(value: string | undefined, fallback: Date): Date {
  return value ? new Date(value) : fallback;
}

type ComplaintDetailOut = z.infer<typeof ComplaintDetailSchema>;

async function detail(c: Context<AppEnv>, id: string): Promise<ComplaintDetailOut> {
  return complaintDetail(c.get("db"), c.get("principal").organizationId, id, new Date());
}

export const complaintRoutes = createRouter()
  .openapi(createComplaintRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const body = c.req.valid("json");
    const key = c.req.valid("header")["idempotency-key"];
    const ctx = await loadComplaintContext(db, principal.organizationId);
    if (body.category && !ctx.categories.includes(body.category)) {
      throw validationProblem([{ field: "category", code: "unknown_category", message: `use one of: ${ctx.categories.join(", ")}` }]);
    }
    const contact = body.contact ?? {};
    const result = await createComplaint(db, c.env, {
      organizationId: principal.organizationId,
      source: body.source,
      intakeKey: key ? `api:${key}` : null,
      subject: body.subject,
      description: body.description,
      category: body.category ?? null,
      touchpoint: body.touchpoint ?? null,
      region: body.region ?? null,
      tier: body.tier ?? null,
      segment: body.segment,
      severity: body.severity === undefined ? null : ComplaintSeverityInputSchema.parse(body.severity),
      priority: body.priority ?? null,
      desiredRemedy: body.desiredRemedy ?? null,
      contact: { name: contact.name ?? null, email: contact.email ?? null, phone: contact.phone ?? null, anonymous: body.anonymous },
      language: body.language,
      actor: { kind: "staff", id: principal.id, name: principal.name },
      auditActor: { kind: principal.kind, id: principal.id },
      now: new Date(),
    });
    dispatch(c, result.outboxIds);
    return c.json({ ...(await detail(c, result.row.id)), statusUrl: result.statusUrl }, result.created ? 201 : 200);
  })
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const principal = c.get("principal");
    const { known: states, unknown: bad } = oneOf(COMPLAINT_STATES, csv(query.status));
    const { known: priorities, unknown: badPriorities } = oneOf(COMPLAINT_PRIORITIES, csv(query.priority));
    if (bad.length || badPriorities.length) {
      throw new ProblemError("bad-request", `Unknown ${bad.length ? `status ${bad.join(", ")}` : `priority ${badPriorities.join(", ")}`}.`, {
        errors: [...bad.map(() => ({ field: "query.status", code: "invalid_value", message: `one of ${COMPLAINT_STATES.join(", ")}` })), ...badPriorities.map(() => ({ field: "query.priority", code: "invalid_value", message: `one of ${COMPLAINT_PRIORITIES.join(", ")}` }))],
      });
    }
    const owner = query.owner === "me" ? principal.id : query.owner;
    const result = await listComplaints(
      c.get("db"),
      principal.organizationId,
      {
        states,
        priorities,
        teamId: query.team,
        assigneeId: owner,
        category: query.category,
        source: query.source,
        overdue: query.overdue === undefined ? undefined : query.overdue === "true",
        q: query.q,
      },
      { limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
      new Date(),
    );
    return c.json({ ...result, page: query.page, pageSize: query.pageSize, items: result.items }, 200);
  })
  .openapi(bulkRoute, async (c) => {
    const principal = c.get("principal");
    const body = c.req.valid("json");
    const { outboxIds, ...result } = await bulkComplaintAction(c.get("db"), c.env, {
      organizationId: principal.organizationId,
      ids: body.ids,
      action: body.action,
      party: staffParty(principal),
      now: new Date(),
    });
    dispatch(c, outboxIds);
    return c.json(result, 200);
  })
  .openapi(analyticsRoute, async (c) => {
    const query = c.req.valid("query");
    const now = new Date();
    const to = parseInstant(query.to, now);
    const from = parseInstant(query.from, new Date(to.getTime() - 90 * 86_400_000));
    if (from >= to) throw new ProblemError("bad-request", "`from` must be before `to`.");
    if (to.getTime() - from.getTime() > 3 * 366 * 86_400_000) throw new ProblemError("bad-request", "The period may span at most three years.");
    const result = await complaintAnalytics(c.get("db"), c.get("principal").organizationId, { from, to, granularity: query.granularity, now });
    return c.json(result, 200);
  })
  .openapi(getRoute, async (c) => c.json(await detail(c, c.req.valid("param").id), 200))
  .openapi(attachmentRoute, async (c) => {
    const { id, attachmentId } = c.req.valid("param");
    const attachment = await findComplaintAttachment(c.get("db"), c.get("principal").organizationId, id, attachmentId);
    const object = attachment ? await c.env.ATTACHMENTS.get(attachment.storageKey) : null;
    if (!attachment || !object) throw notFound(`Attachment ${attachmentId}`);
    return attachmentDownload(object, attachment);
  })
  .openapi(statusLinkRoute, async (c) => {
    const row = await findComplaint(c.get("db"), c.get("principal").organizationId, c.req.valid("param").id);
    return c.json({ reference: row.reference, statusUrl: complaintStatusUrl(c.env, row.reference, await complaintStatusSecret(c.env, row.id)) }, 200);
  })
  .openapi(transitionRoute, async (c) => {
    const principal = c.get("principal");
    const { to, ...payload } = c.req.valid("json");
    const result = await transitionComplaint(c.get("db"), c.env, {
      organizationId: principal.organizationId,
      complaintId: c.req.valid("param").id,
      party: staffParty(principal),
      to,
      payload,
      now: new Date(),
    });
    dispatch(c, result.outboxIds);
    return c.json({ complaint: await detail(c, result.row.id), transition: result.transition ?? "" }, 200);
  })
  .openapi(noteRoute, async (c) => {
    const principal = c.get("principal");
    const { text } = c.req.valid("json") as z.infer<typeof TextBody>;
    const result = await complaintActivity(c.get("db"), c.env, {
      organizationId: principal.organizationId,
      complaintId: c.req.valid("param").id,
      party: staffParty(principal),
      activity: { kind: "note", text },
      action: "complaint.note_added",
      now: new Date(),
    });
    dispatch(c, result.outboxIds);
    return c.json({ complaint: await detail(c, result.row.id) }, 200);
  })
  .openapi(replyRoute, async (c) => {
    const principal = c.get("principal");
    const multipart = (c.req.header("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
    // The form validator ran ReplyFormBody (files made a list); its inferred type loses the preprocess output.
    const { text, files } = multipart ? (c.req.valid("form") as z.output<typeof ReplyFormBody>) : { text: c.req.valid("json").text, files: [] };
    const uploads = screenReplyFiles(files);
    const stored = await putAttachments(c.env.ATTACHMENTS, principal.organizationId, uploads);
    const complaintId = c.req.valid("param").id;
    const now = new Date();
    let result;
    try {
      result = await complaintActivity(c.get("db"), c.env, {
        organizationId: principal.organizationId,
        complaintId,
        party: staffParty(principal),
        activity: { kind: "public_reply", text, ...(stored.length > 0 ? { attachments: stored.map(({ storageKey: _key, ...reference }) => reference) } : {}) },
        action: "complaint.replied",
        now,
        extraStatements: (gate, d1) => attachmentStatements({ organizationId: principal.organizationId, complaintId, inboundEmailId: null, attachments: stored, now }, gate, d1),
      });
    } catch (error) {
      // The reply was not written (not found, closed, a concurrent change): its files go too.
      await deleteAttachments(c.env.ATTACHMENTS, stored);
      throw error;
    }
    dispatch(c, result.outboxIds);
    return c.json({ complaint: await detail(c, result.row.id) }, 200);
  })
  .openapi(assignRoute, async (c) => {
    const principal = c.get("principal");
    const body = c.req.valid("json") as z.infer<typeof AssignmentBody>;
    const result = await assignComplaint(c.get("db"), c.env, {
      organizationId: principal.organizationId,
      complaintId: c.req.valid("param").id,
      party: staffParty(principal),
      request: body.auto ? { auto: true } : { teamId: body.teamId, assigneeId: body.assigneeId },
      now: new Date(),
    });
    dispatch(c, result.outboxIds);
    return c.json({ complaint: await detail(c, result.row.id) }, 200);
  })
  .openapi(classifyRoute, async (c) => {
    const principal = c.get("principal");
    const body = c.req.valid("json") as z.infer<typeof ClassificationBody>;
    if (body.priority === undefined && body.severity === undefined && body.category === undefined) {
      throw validationProblem([{ field: "(body)", code: "nothing_to_change", message: "change at least one of priority, severity, category" }]);
    }
    if (body.category) {
      const ctx = await loadComplaintContext(c.get("db"), principal.organizationId);
      if (!ctx.categories.includes(body.category)) throw validationProblem([{ field: "category", code: "unknown_category", message: `use one of: ${ctx.categories.join(", ")}` }]);
    }
    const result = await complaintActivity(c.get("db"), c.env, {
      organizationId: principal.organizationId,
      complaintId: c.req.valid("param").id,
      party: staffParty(principal),
      activity: { kind: "change_classification", ...body },
      action: "complaint.reclassified",
      now: new Date(),
    });
    dispatch(c, result.outboxIds);
    return c.json({ complaint: await detail(c, result.row.id) }, 200);
  })
  .openapi(handoffRoute, async (c) => {
    const principal = c.get("principal");
    const body = c.req.valid("json");
    const result = await createHandoff(c.get("db"), c.env, {
      organizationId: principal.organizationId,
      complaintId: c.req.valid("param").id,
      party: staffParty(principal),
      handoff: { ...body, ownerTeamId: body.ownerTeamId ?? null },
      now: new Date(),
    });
    dispatch(c, result.outboxIds);
    return c.json({ handoff: result.handoff, complaint: await detail(c, result.row.id) }, 201);
  })
  .openapi(handoffStatusRoute, async (c) => {
    const { id, handoffId } = c.req.valid("param");
    const handoff = await updateHandoffStatus(c.get("db"), c.get("principal"), id, handoffId, c.req.valid("json").status);
    return c.json(handoff, 200);
  });
