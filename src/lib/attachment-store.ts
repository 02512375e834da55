/**
 * Complaint files in R2 (bucket ATTACHMENTS): written before the D1 batch that indexes them, so a
 * failed batch must delete what was written (`deleteAttachments`); an index row never points at
 * nothing, and an orphaned object costs storage, not correctness.
 */
import { attachmentStorageKey, type StoredAttachment } from "../domain/email/attachments";
import { newId } from "./ids";

export type AttachmentUpload = { name: string; contentType: string; size: number; content: ArrayBuffer | ReadableStream | Blob };

/** Puts each file under a new id; on a failure part-way, deletes the ones already written and rethrows. */
export async function putAttachments(bucket: R2Bucket, organizationId: string, uploads: readonly AttachmentUpload[]): Promise<StoredAttachment[]> {
  const stored: StoredAttachment[] = [];
  try {
    for (const upload of uploads) {
      const id = newId("att");
      const storageKey = attachmentStorageKey(organizationId, id);
      await bucket.put(storageKey, upload.content, { httpMetadata: { contentType: upload.contentType }, customMetadata: { filename: upload.name } });
      stored.push({ id, filename: upload.name, contentType: upload.contentType, size: upload.size, storageKey });
    }
  } catch (error) {
    await deleteAttachments(bucket, stored);
    throw error;
  }
  return stored;
}

export async function deleteAttachments(bucket: R2Bucket, stored: readonly StoredAttachment[]): Promise<void> {
  if (stored.length > 0) await bucket.delete(stored.map((attachment) => attachment.storageKey));
}

/**
 * A stored file as a download: always `attachment` with the stored type and nosniff, so a file never
 * renders in the app's or the status page's origin (a crafted SVG or HTML would run there otherwise).
 */
export function attachmentDownload(object: R2ObjectBody, file: { filename: string; contentType: string; size: number }): Response {
  return new Response(object.body, {
    headers: {
      "content-type": file.contentType,
      "content-length": String(file.size),
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    },
  });
}
