/**
 * The Worker's `email()` handler (Cloudflare Email Routing, catch-all on EMAIL_DOMAIN → this Worker).
 *
 * 1. Refuse at the SMTP level (`setReject`, the sender's server bounces it with our reason) what we will
 *    not take: mail when EMAIL_DOMAIN is not set, an oversize message, an unknown address or organisation,
 *    a flood from one sender, a message that does not parse.
 * 2. Drop silently (accepted, never answered: no mail loops) bounces, auto-replies and bulk mail;
 *    a bounce's permanently failed recipients go on the organisation's suppression list.
 * 3. A message to an organisation's complaint address opens a complaint (source `email`) through the same
 *    intake as the form; a message to a complaint's signed reply address is the customer's answer on
 *    its timeline, through the state machine (src/domain/email/thread.ts).
 * The same Message-ID again changes nothing. Attachments go to R2 first and are deleted again when the
 * D1 batch does not keep them, so nothing half-stored remains.
 */
import PostalMime, { type Email } from "postal-mime";
import type { AppBindings } from "../env";
import { createDb } from "../db/client";
import { organisationDb, organisationPlacement, shardDb, shardEnv } from "../db/shards";
import { parseInboundRecipient } from "../domain/email/addresses";
import { classifyInboundMessage, normaliseMessageId } from "../domain/email/classify";
import { messageBodyText, stripQuotedReply } from "../domain/email/body-text";
import { INBOUND_EMAIL_LIMITS, refusedAttachmentsNote, screenAttachments } from "../domain/email/attachments";
import { deleteAttachments, putAttachments } from "../lib/attachment-store";
import { inboundReplyPlan } from "../domain/email/thread";
import { detectLanguage } from "../domain/text/language";
import type { ComplaintLanguage } from "../domain/complaints/texts";
import type { ComplaintState, WaitingReturnState } from "../domain/complaints";
import { MAX_COMPLAINT_TEXT_LENGTH } from "../domain/complaints/primitives";
import { emailThreadSecret } from "../lib/email-secret";
import { sha256Hex } from "../lib/ids";
import { ProblemError } from "../lib/problem";
import { findOrganisation } from "../db/queries/organisation";
import { createComplaint } from "../db/queries/complaints-intake";
import { customerParty, transitionComplaint } from "../db/queries/complaints-actions";
import { enqueueOutbox } from "../db/queries/outbox";
import { suppressEmailAddress } from "../db/queries/email-suppression";
import {
  findComplaintByReference,
  findInboundEmail,
  type InboundRecord,
  inboundEmailStatements,
} from "../db/queries/inbound-email";

/** The part of Email Routing's message the handler uses (ForwardableEmailMessage satisfies it). */
export type InboundMessage = Pick<ForwardableEmailMessage, "from" | "to" | "raw" | "rawSize" | "headers" | "setReject">;

/** What happened to one message; logged, and returned for tests. */
export type InboundOutcome =
  | { outcome: "rejected"; reason: string }
  | { outcome: "ignored"; reason: string }
  | { outcome: "bounce"; failedRecipients: string[]; suppressed: string[] }
  | { outcome: "duplicate"; complaintId: string }
  | { outcome: "complaint"; complaintId: string; reference: string; attachments: number }
  | { outcome: "reply"; complaintId: string; reference: string; transition: string; attachments: number };

export const EMAIL_INTAKE_ACTOR_ID = "email";

/** What the handler needs of the execution context: queueing the acknowledgement after the write. */
type WaitUntil = Pick<ExecutionContext, "waitUntil">;

const MB = 1024 * 1024;

function reject(message: InboundMessage, reason: string): InboundOutcome {
  message.setReject(reason);
  return { outcome: "rejected", reason };
}

function languageOf(text: string): ComplaintLanguage {
  return detectLanguage(text) === "en" ? "en" : "zh-CN";
}

function bounded(text: string): string {
  return text.length > MAX_COMPLAINT_TEXT_LENGTH ? `${text.slice(0, MAX_COMPLAINT_TEXT_LENGTH - 1)}…` : text;
}

function withNote(text: string, note: string): string {
  return bounded([text.trim(), note].filter(Boolean).join("\n\n"));
}

export async function handleInboundEmail(message: InboundMessage, env: AppBindings, ctx: WaitUntil, now = new Date()): Promise<InboundOutcome> {
  const outcome = await receive(message, env, ctx, now);
  console.log(JSON.stringify({ level: outcome.outcome === "rejected" ? "warn" : "info", message: "inbound e-mail", to: message.to, ...outcome }));
  return outcome;
}

async function receive(message: InboundMessage, baseEnv: AppBindings, ctx: WaitUntil, now: Date): Promise<InboundOutcome> {
  let env = baseEnv;
  const domain = (env.EMAIL_DOMAIN ?? "").trim();
  if (!domain) return reject(message, "This address does not receive mail (e-mail is not configured).");
  if (message.rawSize > INBOUND_EMAIL_LIMITS.maxMessageBytes) {
    return reject(message, `Message too large: ${(message.rawSize / MB).toFixed(1)} MB; the limit is ${INBOUND_EMAIL_LIMITS.maxMessageBytes / MB} MB. Send fewer or smaller attachments.`);
  }
  const recipient = await parseInboundRecipient(message.to, domain, await emailThreadSecret(env));
  if (recipient.kind === "unknown") return reject(message, `Unknown address ${message.to}: ${recipient.reason}.`);
  // The mailbox names the organisation (control plane); its rows live in its shard (docs/scaling.md 4.1).
  const organisation = await findOrganisation(createDb(env.DB), { slug: recipient.organisationSlug });
  if (!organisation) return reject(message, `Unknown address ${message.to}: no such mailbox.`);
  const { shard } = await organisationPlacement(env, organisation.id);
  env = shardEnv(env, shard);
  const db = shardDb(env, shard);

  const envelopeFrom = message.from.trim().toLowerCase();
  if (env.RATE_LIMITS !== "off" && envelopeFrom) {
    const limit = await env.EMAIL_SENDER_LIMITER.limit({ key: `${organisation.id}:${envelopeFrom}` });
    if (!limit.success) return reject(message, "Too many messages from this sender in the last minute; try again later.");
  }

  const raw = new Uint8Array(await new Response(message.raw).arrayBuffer());
  if (raw.byteLength > INBOUND_EMAIL_LIMITS.maxMessageBytes) return reject(message, `Message too large; the limit is ${INBOUND_EMAIL_LIMITS.maxMessageBytes / MB} MB.`);
  let parsed: Email;
  try {
    parsed = await PostalMime.parse(raw, { attachmentEncoding: "arraybuffer", maxNestingDepth: 50, maxPartCount: 500 });
  } catch (error) {
    return reject(message, `The message could not be read as MIME (${error instanceof Error ? error.message : String(error)}).`);
  }

  const statusPart = parsed.attachments.find((attachment) => attachment.mimeType === "message/delivery-status");
  const kind = classifyInboundMessage({
    header: (name) => message.headers.get(name),
    envelopeFrom: message.from,
    deliveryStatus: statusPart ? new TextDecoder().decode(statusPart.content as ArrayBuffer) : null,
  });
  if (kind.kind === "bounce") {
    // A permanent failure (5.x.x) puts the address on the organisation's suppression list; never answered.
    const permanent = kind.failedRecipients.filter((recipient) => recipient.status.startsWith("5"));
    for (const recipient of permanent) await suppressEmailAddress(db, organisation.id, recipient.address, "bounced");
    return { outcome: "bounce", failedRecipients: kind.failedRecipients.map((recipient) => recipient.address), suppressed: permanent.map((recipient) => recipient.address) };
  }
  if (kind.kind !== "person") return { outcome: "ignored", reason: kind.reason };

  const messageId = normaliseMessageId(parsed.messageId) ?? `sha256:${await sha256Hex(new TextDecoder("latin1").decode(raw))}`;
  const duplicate = await findInboundEmail(db, organisation.id, messageId);
  if (duplicate) return { outcome: "duplicate", complaintId: duplicate.complaintId };

  const senderAddress = (parsed.from?.address ?? envelopeFrom).trim().toLowerCase();
  const senderName = parsed.from?.name?.trim() || null;
  if (!senderAddress) return reject(message, "The message has no sender address.");

  const screening = screenAttachments(
    parsed.attachments
      .filter((attachment) => !attachment.mimeType.startsWith("message/"))
      .map((attachment) => ({ filename: attachment.filename, mimeType: attachment.mimeType, size: (attachment.content as ArrayBuffer).byteLength, content: attachment.content as ArrayBuffer })),
  );
  const stored = await putAttachments(
    env.ATTACHMENTS,
    organisation.id,
    screening.accepted.map((attachment) => ({ name: attachment.name, contentType: attachment.mimeType.split(";")[0]!.trim().toLowerCase(), size: attachment.size, content: attachment.content })),
  );
  const cleanUp = () => deleteAttachments(env.ATTACHMENTS, stored);
  try {
    const record: InboundRecord = { organizationId: organisation.id, messageId, kind: "complaint", sender: senderAddress, attachments: stored, now };
    const note = refusedAttachmentsNote(screening.refused);
    const result =
      recipient.kind === "organisation"
        ? await openEmailComplaint(env, ctx, { organizationId: organisation.id, record, parsed, senderAddress, senderName, note, followUpOf: null })
        : await answerOnThread(env, ctx, { organizationId: organisation.id, reference: recipient.reference, record: { ...record, kind: "reply" }, parsed, senderAddress, senderName, note });
    // Nothing of this delivery was kept: its attachments go too.
    if (result.outcome === "duplicate" || result.outcome === "rejected" || result.outcome === "ignored") await cleanUp();
    if (result.outcome === "rejected") message.setReject(result.reason);
    return result;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

type Parsed = { parsed: Email; senderAddress: string; senderName: string | null; note: string };

async function openEmailComplaint(
  env: AppBindings,
  ctx: WaitUntil,
  input: Parsed & { organizationId: string; record: InboundRecord; followUpOf: string | null },
): Promise<InboundOutcome> {
  const db = await organisationDb(env, input.organizationId);
  const body = messageBodyText(input.parsed);
  const subject = (input.parsed.subject ?? "").trim();
  const description = withNote(input.followUpOf ? `(Follow-up to / 关于 ${input.followUpOf})\n\n${body}` : body, input.note) || "(no text / 无正文)";
  const result = await createComplaint(db, env, {
    organizationId: input.organizationId,
    source: "email",
    intakeKey: `email:${(await sha256Hex(input.record.messageId)).slice(0, 40)}`,
    subject: subject || null,
    description,
    contact: { name: input.senderName, email: input.senderAddress, phone: null, anonymous: false },
    language: languageOf(`${subject}\n${body}`),
    actor: { kind: "customer", id: EMAIL_INTAKE_ACTOR_ID, ...(input.senderName ? { name: input.senderName.slice(0, 200) } : {}) },
    auditActor: { kind: "customer", id: EMAIL_INTAKE_ACTOR_ID },
    gatedStatements: (complaintId, gate, d1) => inboundEmailStatements(input.record, complaintId, gate, d1),
    now: input.record.now,
  });
  if (!result.created) return { outcome: "duplicate", complaintId: result.row.id };
  if (result.outboxIds.length > 0) ctx.waitUntil(enqueueOutbox(env, result.outboxIds));
  return { outcome: "complaint", complaintId: result.row.id, reference: result.row.reference, attachments: input.record.attachments.length };
}

async function answerOnThread(
  env: AppBindings,
  ctx: WaitUntil,
  input: Parsed & { organizationId: string; reference: string; record: InboundRecord },
): Promise<InboundOutcome> {
  const db = await organisationDb(env, input.organizationId);
  const text = stripQuotedReply(messageBodyText(input.parsed, { dropQuotes: true }));
  const attachmentsOnly = input.record.attachments.length > 0 ? "(attachments only / 仅附件)" : "";
  const message = withNote(text || attachmentsOnly, input.note);
  if (!message) return { outcome: "ignored", reason: "empty reply" };

  // One retry: a staff change between our read and write makes the version-guarded write fail.
  for (let attempt = 0; ; attempt++) {
    const row = await findComplaintByReference(db, input.organizationId, input.reference);
    if (!row) return { outcome: "rejected", reason: `Complaint ${input.reference} no longer exists; write to the organisation's complaint address instead.` };
    const plan = inboundReplyPlan(
      { state: row.state as ComplaintState, stateBeforeWaiting: (row.waitingFrom as WaitingReturnState | null) ?? null, closedAt: row.closedAt },
      message,
      input.record.now,
    );
    if (plan.kind === "new_complaint") {
      return openEmailComplaint(env, ctx, { ...input, record: { ...input.record, kind: "complaint" }, followUpOf: row.reference });
    }
    try {
      const result = await transitionComplaint(db, env, {
        organizationId: input.organizationId,
        complaintId: row.id,
        row,
        party: customerParty(row),
        to: plan.to,
        payload: plan.payload,
        now: input.record.now,
        extraStatements: (gate, d1) => inboundEmailStatements(input.record, row.id, gate, d1),
      });
      if (result.outboxIds.length > 0) ctx.waitUntil(enqueueOutbox(env, result.outboxIds));
      return { outcome: "reply", complaintId: row.id, reference: row.reference, transition: result.transition ?? plan.via, attachments: input.record.attachments.length };
    } catch (error) {
      const duplicate = await findInboundEmail(db, input.organizationId, input.record.messageId);
      if (duplicate) return { outcome: "duplicate", complaintId: duplicate.complaintId };
      if (attempt === 0 && error instanceof ProblemError && error.problemType === "conflict") continue;
      throw error;
    }
  }
}
