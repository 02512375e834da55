/**
 * The rows an inbound e-mail leaves (src/jobs/inbound-email.ts): its Message-ID record and the index
 * of its attachments, written in the batch of the complaint or reply they belong to, gated on
 * that write's nonce so a duplicate or a lost race stores nothing.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../env";
import { complaintAttachments, complaints, inboundEmails } from "../schema";
import { newId } from "../../lib/ids";
import { type Gate, gatedInsert } from "./complaints-sql";
import type { ComplaintRow } from "./complaints";
import type { StoredAttachment } from "../../domain/email/attachments";


export type InboundRecord = {
  organizationId: string;
  messageId: string;
  kind: "complaint" | "reply";
  sender: string;
  attachments: StoredAttachment[];
  now: Date;
};

export async function findInboundEmail(db: Db, organizationId: string, messageId: string) {
  return db.query.inboundEmails.findFirst({ where: and(eq(inboundEmails.organizationId, organizationId), eq(inboundEmails.messageId, messageId)) });
}

export async function findComplaintByReference(db: Db, organizationId: string, reference: string): Promise<ComplaintRow | undefined> {
  return db.query.complaints.findFirst({ where: and(eq(complaints.organizationId, organizationId), eq(complaints.reference, reference.toUpperCase())) });
}

/** The message record and its attachment rows, for the batch that writes complaint `complaintId`. */
export function inboundEmailStatements(record: InboundRecord, complaintId: string, gate: Gate, d1: D1Database): D1PreparedStatement[] {
  const inboundId = newId("inm");
  return [
    // No ON CONFLICT: if another delivery of this message won the race, the whole batch fails and nothing stays.
    gatedInsert(
      d1,
      "inbound_emails",
      {
        id: inboundId,
        organization_id: record.organizationId,
        message_id: record.messageId,
        complaint_id: complaintId,
        kind: record.kind,
        sender: record.sender,
        received_at: record.now,
      },
      gate,
    ),
    ...attachmentStatements({ organizationId: record.organizationId, complaintId, inboundEmailId: inboundId, attachments: record.attachments, now: record.now }, gate, d1),
  ];
}

/** The index rows of files stored in R2 for a complaint (a customer's e-mail, or `inboundEmailId` null: a staff reply's). */
export function attachmentStatements(
  input: { organizationId: string; complaintId: string; inboundEmailId: string | null; attachments: StoredAttachment[]; now: Date },
  gate: Gate,
  d1: D1Database,
): D1PreparedStatement[] {
  return input.attachments.map((attachment) =>
    gatedInsert(
      d1,
      "complaint_attachments",
      {
        id: attachment.id,
        organization_id: input.organizationId,
        complaint_id: input.complaintId,
        inbound_email_id: input.inboundEmailId,
        filename: attachment.filename,
        content_type: attachment.contentType,
        size: attachment.size,
        storage_key: attachment.storageKey,
        created_at: input.now,
      },
      gate,
    ),
  );
}

export type AttachmentView = { id: string; filename: string; contentType: string; size: number; createdAt: string };

export async function listComplaintAttachments(db: Db, organizationId: string, complaintId: string): Promise<AttachmentView[]> {
  const rows = await db
    .select()
    .from(complaintAttachments)
    .where(and(eq(complaintAttachments.organizationId, organizationId), eq(complaintAttachments.complaintId, complaintId)))
    .orderBy(asc(complaintAttachments.createdAt));
  return rows.map((row) => ({ id: row.id, filename: row.filename, contentType: row.contentType, size: row.size, createdAt: row.createdAt.toISOString() }));
}

export async function findComplaintAttachment(db: Db, organizationId: string, complaintId: string, attachmentId: string) {
  return db.query.complaintAttachments.findFirst({
    where: and(eq(complaintAttachments.organizationId, organizationId), eq(complaintAttachments.complaintId, complaintId), eq(complaintAttachments.id, attachmentId)),
  });
}

/** The R2 keys of the attachments of these complaints (erasure deletes the objects). */
export async function complaintAttachmentKeys(db: Db, organizationId: string, complaintIds: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < complaintIds.length; i += 90) {
    const rows = await db
      .select({ storageKey: complaintAttachments.storageKey })
      .from(complaintAttachments)
      .where(and(eq(complaintAttachments.organizationId, organizationId), inArray(complaintAttachments.complaintId, complaintIds.slice(i, i + 90))));
    keys.push(...rows.map((row) => row.storageKey));
  }
  return keys;
}
