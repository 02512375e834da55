/**
 * Turns an outbox e-mail row into the message that leaves, and sends it through Cloudflare Email
 * Service (the `EMAIL` send_email binding).
 *
 * The row holds no live secret (src/domain/email/placeholders.ts): the complaint status link, the
 * personal survey link and the unsubscribe link are rendered here, at send time. Survey mail
 * (invitations, reminders) is checked against the organisation's suppression list and the
 * invitation's state here too, so nothing queued earlier reaches an address that unsubscribed, a
 * respondent who has completed, or a link that was re-issued since.
 */
import { EmailMessage } from "cloudflare:email";
import type { AppBindings, Db } from "../env";
import { complaintForMail, complaintInboundMessageIds, invitationForMail, organisationForMail } from "../db/queries/email-sending";
import type { EmailPayload, OutboxRow } from "../db/queries/outbox";
import { complaintStatusSecret, complaintStatusUrl, publicOrigin } from "../db/queries/complaints";
import { isEmailSuppressed } from "../db/queries/email-suppression";
import { buildEmail, type BuiltEmail } from "../domain/email/message";
import { complaintReplyAddress } from "../domain/email/addresses";
import { complaintThreadHeaders } from "../domain/email/thread";
import { placeholdersIn, renderPlaceholders, type LinkPlaceholder } from "../domain/email/placeholders";
import { invitationLinkToken, unsubscribeSignature, type EmailConfig } from "../lib/email-config";
import { emailThreadSecret } from "../lib/email-secret";
import { renderSendTimeLinks } from "../lib/link-secrets";
import { sha256Hex } from "../lib/ids";

/** Where a built message goes. Production: the send_email binding; tests may wrap it to read the message back. */
export interface MailTransport {
  readonly name: string;
  send(message: BuiltEmail): Promise<{ id: string }>;
}

export function bindingTransport(binding: SendEmail): MailTransport {
  return {
    name: "cloudflare-email",
    async send(message) {
      const result = await binding.send(new EmailMessage(message.from, message.to, message.raw));
      return { id: result?.messageId ?? message.messageId };
    },
  };
}

export type PreparedEmail = { kind: "send"; message: BuiltEmail } | { kind: "skip"; reason: string };

/** The one-click unsubscribe page of an address (GET shows it, POST unsubscribes: RFC 8058). */
export async function unsubscribeUrl(env: AppBindings, organisationId: string, email: string): Promise<string> {
  const address = email.trim().toLowerCase();
  const signature = await unsubscribeSignature(env, organisationId, address);
  const query = new URLSearchParams({ o: organisationId, e: address, s: signature });
  return `${publicOrigin(env)}/email/unsubscribe?${query}`;
}

async function surveyLink(db: Db, env: AppBindings, row: OutboxRow, invitation: NonNullable<EmailPayload["invitation"]>, now: Date): Promise<string | { skip: string }> {
  const found = await invitationForMail(db, row.organizationId, invitation.id);
  if (!found) return { skip: "not sent: the invitation was deleted" };
  if (found.completedAt || found.usesLeft <= 0) return { skip: "not sent: the respondent has completed the survey" };
  if (found.validUntil && found.validUntil.getTime() <= now.getTime()) return { skip: "not sent: the invitation has expired" };
  const token = await invitationLinkToken(env, found.id, invitation.generation);
  if ((await sha256Hex(token)) !== found.tokenHash) return { skip: "not sent: the personal link was re-issued since this e-mail was queued" };
  return `${invitation.url}${invitation.url.includes("?") ? "&" : "?"}t=${token}`;
}

export async function prepareOutboxEmail(db: Db, env: AppBindings, config: Extract<EmailConfig, { configured: true }>, row: OutboxRow, now: Date): Promise<PreparedEmail> {
  const payload = row.payload as EmailPayload;
  const to = (payload.to ?? row.recipient).trim().toLowerCase();
  const org = await organisationForMail(db, row.organizationId);
  if (!org) return { kind: "skip", reason: "not sent: the organisation no longer exists" };
  if (payload.survey && (await isEmailSuppressed(db, row.organizationId, to))) {
    return { kind: "skip", reason: "not sent: the address is on the organisation's suppression list" };
  }

  const wanted = new Set<LinkPlaceholder>([...placeholdersIn(payload.subject ?? ""), ...placeholdersIn(payload.text ?? "")]);
  const values: Partial<Record<LinkPlaceholder, string>> = {};
  const complaint = row.complaintId ? await complaintForMail(db, row.organizationId, row.complaintId) : undefined;
  if (wanted.has("statusUrl")) {
    if (!complaint) return { kind: "skip", reason: "not sent: the complaint was deleted" };
    values.statusUrl = complaintStatusUrl(env, complaint.reference, await complaintStatusSecret(env, complaint.id));
  }
  if (wanted.has("surveyLink")) {
    if (!payload.invitation) throw new Error("a survey link placeholder without an invitation");
    const link = await surveyLink(db, env, row, payload.invitation, now);
    if (typeof link !== "string") return { kind: "skip", reason: link.skip };
    values.surveyLink = link;
  }
  const unsubscribe = payload.survey ? await unsubscribeUrl(env, row.organizationId, to) : null;
  if (unsubscribe) values.unsubscribeUrl = unsubscribe;

  let replyTo: string | null = null;
  // Customer mail about a complaint joins the complaint's thread (the customer's own e-mails included).
  const thread =
    payload.replyToComplaint && complaint
      ? complaintThreadHeaders(complaint.id, config.domain, await complaintInboundMessageIds(db, row.organizationId, complaint.id))
      : null;
  if (payload.replyToComplaint && complaint) {
    try {
      replyTo = await complaintReplyAddress(org.slug, complaint.reference, config.domain, await emailThreadSecret(env));
    } catch (error) {
      // A slug that cannot be a local part: the message still goes, answers come back by the status link.
      console.warn(JSON.stringify({ level: "warn", message: "no complaint reply address", outboxId: row.id, error: String(error) }));
    }
  }

  const message = buildEmail({
    from: { address: config.from, name: org.name },
    to: { address: to },
    subject: renderPlaceholders(payload.subject ?? row.subject ?? "", values),
    // A staff invitation's accept link is the security layer's (src/lib/link-secrets.ts), also filled in only here.
    text: await renderSendTimeLinks(env, { text: renderPlaceholders(payload.text ?? "", values), staffInvitationId: payload.staffInvitationId }),
    messageId: { id: row.id, domain: config.domain },
    date: now,
    replyTo: replyTo ? { address: replyTo, name: org.name } : null,
    inReplyTo: thread?.inReplyTo ?? null,
    references: thread?.references ?? [],
    listUnsubscribeUrl: unsubscribe,
    language: payload.language,
    html: payload.html,
  });
  return { kind: "send", message };
}
