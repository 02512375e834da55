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
  COMPLAINT_PRIORITIES,
  COMPLAINT_SEVERITY_LABELS,
  COMPLAINT_STATES,
  ComplaintCategorySchema,
  ComplaintSeverityInputSchema,
  IMPROVEMENT_HANDOFF_STATUSES,
} from "../domain/complaints";
import {
  ActionResultSchema,
  AssignmentBody,
  BulkBodySchema,
  BulkResultSchema,
  ClassificationBody,
  ComplaintDetailSchema,
  ComplaintIdParam,
  ComplaintListSchema,
  ContactSchema,
  CreateComplaintSchema,
  CreatedComplaintSchema,
  HandoffBody,
  HandoffSchema,
  IdempotencyHeader,
  ListQuery,
  STAFF_SOURCES,
  SegmentKey,
  SeverityInput,
  SlaMilestoneSchema,
  TextBody,
  TimelineEntrySchema,
  StatusLinkSchema,
  TransitionBodySchema,
} from "../contracts/complaints";
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
          schema: ComplaintListSchema,
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
  summary:
    "Apply one action to several complaints — assign {assigneeId | null}, set_priority {priority}, or close_as_duplicate {duplicateOf: the kept complaint's id or reference}: each is checked by the workflow rules and reported; the changes are written in one batch",
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
  responses: { 200: { description: "Link", content: { "application/json": { schema: StatusLinkSchema } } }, ...problemResponses(401, 403, 404) },
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

const activityRoute = <Path extends string>(path: Path, summary: string, body: z.ZodType) =>
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
