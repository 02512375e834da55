/**
 * What an inbound message may bring: its size, and which attachments are kept (stored in R2 beside
 * the complaint) or refused with a reason the complaint records. The caps keep one message within
 * what a Worker can hold in memory comfortably and within Email Routing's own 25 MiB limit.
 */

export const INBOUND_EMAIL_LIMITS = {
  /** The whole raw message; larger ones are rejected at the SMTP level (`setReject`). */
  maxMessageBytes: 15 * 1024 * 1024,
  /** Attachments kept per message; the rest are listed as not kept. */
  maxAttachments: 5,
  maxAttachmentBytes: 5 * 1024 * 1024,
  maxTotalAttachmentBytes: 10 * 1024 * 1024,
  /** Messages per sender and organisation per minute before the rest are rejected (a flood). */
  senderMessagesPerMinute: 10,
} as const;

/** Photos, scans, PDFs and plain text: what customers send as evidence. No executables, archives or office macros. */
export const ACCEPTED_ATTACHMENT_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
  "image/heic",
  "image/heif",
  "application/pdf",
  "text/plain",
  "text/csv",
]);

/** A file kept in R2 (bucket ATTACHMENTS) beside a complaint, as its index row records it. */
export type StoredAttachment = { id: string; filename: string; contentType: string; size: number; storageKey: string };

/** The R2 key of a complaint's file: per organisation, so a bucket listing or purge can be scoped. */
export function attachmentStorageKey(organizationId: string, attachmentId: string): string {
  return `complaints/${organizationId}/${attachmentId}`;
}

export type AttachmentCandidate = { filename: string | null; mimeType: string; size: number };
export type RefusedAttachment = { filename: string; reason: "type" | "size" | "count" | "total_size" };
export type AttachmentScreening<T> = { accepted: T[]; refused: RefusedAttachment[] };

/** A file name safe to show and to put in a Content-Disposition: no path, no control characters, bounded. */
export function safeAttachmentName(filename: string | null, mimeType: string, index: number): string {
  const base = (filename ?? "").split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim().slice(0, 200);
  if (clean) return clean;
  const extension = mimeType.split("/")[1]?.replace(/[^a-z0-9]/gi, "").slice(0, 10) || "bin";
  return `attachment-${index + 1}.${extension}`;
}

/** Keep attachments in order while they fit the caps; say why each other one was not kept. */
export function screenAttachments<T extends AttachmentCandidate>(candidates: readonly T[]): AttachmentScreening<T & { name: string }> {
  const accepted: (T & { name: string })[] = [];
  const refused: RefusedAttachment[] = [];
  let total = 0;
  candidates.forEach((candidate, index) => {
    const name = safeAttachmentName(candidate.filename, candidate.mimeType, index);
    const type = candidate.mimeType.toLowerCase().split(";")[0]!.trim();
    if (!ACCEPTED_ATTACHMENT_TYPES.has(type)) refused.push({ filename: name, reason: "type" });
    else if (candidate.size > INBOUND_EMAIL_LIMITS.maxAttachmentBytes) refused.push({ filename: name, reason: "size" });
    else if (accepted.length >= INBOUND_EMAIL_LIMITS.maxAttachments) refused.push({ filename: name, reason: "count" });
    else if (total + candidate.size > INBOUND_EMAIL_LIMITS.maxTotalAttachmentBytes) refused.push({ filename: name, reason: "total_size" });
    else {
      total += candidate.size;
      accepted.push({ ...candidate, name });
    }
  });
  return { accepted, refused };
}

const REFUSAL_WORDS: Record<RefusedAttachment["reason"], { en: string; zh: string }> = {
  type: { en: "file type not accepted", zh: "文件类型不受支持" },
  size: { en: `larger than ${INBOUND_EMAIL_LIMITS.maxAttachmentBytes / 1024 / 1024} MB`, zh: `超过 ${INBOUND_EMAIL_LIMITS.maxAttachmentBytes / 1024 / 1024} MB` },
  count: { en: `more than ${INBOUND_EMAIL_LIMITS.maxAttachments} files`, zh: `超过 ${INBOUND_EMAIL_LIMITS.maxAttachments} 个文件` },
  total_size: { en: `together larger than ${INBOUND_EMAIL_LIMITS.maxTotalAttachmentBytes / 1024 / 1024} MB`, zh: `总大小超过 ${INBOUND_EMAIL_LIMITS.maxTotalAttachmentBytes / 1024 / 1024} MB` },
};

/** One line for the complaint's text naming the attachments that were not kept, or "" when all were. */
export function refusedAttachmentsNote(refused: readonly RefusedAttachment[]): string {
  if (refused.length === 0) return "";
  const list = refused.map((item) => `${item.filename} (${REFUSAL_WORDS[item.reason].en} / ${REFUSAL_WORDS[item.reason].zh})`).join("; ");
  return `[Attachments not kept / 未保存的附件: ${list}]`;
}
