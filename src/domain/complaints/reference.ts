/**
 * Human-facing complaint reference numbers and the status-link secret format.
 *
 * ISO 10002 receipt: every complaint gets a unique identifier the customer can quote. The format is
 * `FL-<year>-<sequence>`, sequence zero-padded to six digits (per organisation and year; the
 * counter lives in organization_settings.complaint_sequence). Sequences above 999 999 simply get
 * more digits rather than wrapping, so references never collide.
 */
import { z } from "zod";

export const COMPLAINT_REFERENCE_PREFIX = "FL";
const SEQUENCE_MIN_DIGITS = 6;

export const ComplaintReferenceSchema = z
  .string()
  .regex(/^FL-\d{4}-\d{6,}$/, { message: 'must look like "FL-2026-000123"' });
export type ComplaintReference = z.infer<typeof ComplaintReferenceSchema>;

export type ParsedComplaintReference = { year: number; sequence: number };

export function formatComplaintReference(year: number, sequence: number): ComplaintReference {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`year must have four digits: ${year}`);
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new RangeError(`sequence must be a positive integer: ${sequence}`);
  return `${COMPLAINT_REFERENCE_PREFIX}-${year}-${String(sequence).padStart(SEQUENCE_MIN_DIGITS, "0")}`;
}

/**
 * Lenient on what people type (case, surrounding spaces) but strict on structure; returns null
 * for anything that is not a reference so lookups can answer 404 rather than 400.
 */
export function parseComplaintReference(text: string): ParsedComplaintReference | null {
  const match = /^FL-(\d{4})-(\d{6,})$/.exec(text.trim().toUpperCase());
  if (!match) return null;
  const year = Number(match[1]);
  const sequence = Number(match[2]);
  if (year < 1000 || !Number.isSafeInteger(sequence) || sequence < 1) return null;
  // A zero-padded form longer than needed ("FL-2026-0000123") is a different string for the same
  // number; reject it so one complaint has exactly one spelling.
  if (match[2].length > SEQUENCE_MIN_DIGITS && match[2].startsWith("0")) return null;
  return { year, sequence };
}

/**
 * The secret in the customer's status link (`/c/:reference?k=<secret>`). It is generated elsewhere
 * (src/lib/ids.ts randomSecret, 6 bits per char); the domain fixes only the format: at least 32
 * url-safe characters (≥ 192 bits), bounded so a lookup never hashes an unbounded string.
 */
export const COMPLAINT_STATUS_SECRET_MIN_LENGTH = 32;
export const COMPLAINT_STATUS_SECRET_MAX_LENGTH = 128;
export const ComplaintStatusSecretSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, { message: "must contain only url-safe characters (A–Z, a–z, 0–9, - and _)" })
  .min(COMPLAINT_STATUS_SECRET_MIN_LENGTH)
  .max(COMPLAINT_STATUS_SECRET_MAX_LENGTH);
export type ComplaintStatusSecret = z.infer<typeof ComplaintStatusSecretSchema>;
