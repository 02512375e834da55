/**
 * Inbound e-mail (Email Routing → the Worker's `email()` handler, src/jobs/inbound-email.ts).
 * Re-exported by src/db/schema.ts.
 *
 * `inbound_emails` keeps one row per accepted message, keyed by its Message-ID within the
 * organisation: the same message delivered again finds its row and changes nothing. Attachments
 * live in R2 (binding ATTACHMENTS); `complaint_attachments` is their index, written in the same
 * batch as the complaint or the reply they came with.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organization } from "./auth-schema";
import { complaints } from "./complaint-schema";

export const inboundEmails = sqliteTable(
  "inbound_emails",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    /** The Message-ID without angle brackets, or `sha256:<hex of the raw message>` when it has none. */
    messageId: text("message_id").notNull(),
    complaintId: text("complaint_id")
      .notNull()
      .references(() => complaints.id, { onDelete: "cascade" }),
    /** complaint: opened a complaint; reply: an answer on a complaint's thread. */
    kind: text("kind", { enum: ["complaint", "reply"] }).notNull(),
    sender: text("sender").notNull(),
    receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("inbound_emails_message_unique").on(t.organizationId, t.messageId), index("inbound_emails_complaint_idx").on(t.organizationId, t.complaintId)],
);

export const complaintAttachments = sqliteTable(
  "complaint_attachments",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    complaintId: text("complaint_id")
      .notNull()
      .references(() => complaints.id, { onDelete: "cascade" }),
    inboundEmailId: text("inbound_email_id"),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    /** R2 object key in the ATTACHMENTS bucket. */
    storageKey: text("storage_key").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`),
  },
  (t) => [index("complaint_attachments_complaint_idx").on(t.organizationId, t.complaintId)],
);
