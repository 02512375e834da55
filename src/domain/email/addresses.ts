/**
 * The e-mail addresses Feedloop receives mail on, shared by the outbound mail (Reply-To) and the
 * inbound `email()` handler, so both sides agree on one format.
 *
 * - An organisation's complaint address: `<organisation slug>@<EMAIL_DOMAIN>`. A message to it
 *   becomes a new complaint.
 * - A complaint thread's reply address: `<slug>+<reference>.<signature>@<EMAIL_DOMAIN>`, e.g.
 *   `demo+fl-2026-000123.k3j9x2m4pq@mail.example.com`. The signature (HMAC-SHA-256 of slug and
 *   reference, truncated to 50 bits) stops anyone who merely knows a reference number from writing
 *   into that complaint's timeline; it is a bearer secret like the status link, given only to the
 *   complaint's customer.
 *
 * Everything is lower case because mail systems fold the local part's case; the slug alphabet
 * (a-z, 0-9, '-') and complaint references (`FL-2026-000123`) survive that.
 * Pure: WebCrypto only (workerd and Node both have it).
 */
import { parseComplaintReference } from "../complaints/reference";

const SIGNATURE_LENGTH = 10;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
/** RFC 5321 §4.5.3.1.1: a local part holds at most 64 octets. */
const LOCAL_PART_MAX = 64;
const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export type InboundRecipient =
  | { kind: "organisation"; organisationSlug: string }
  | { kind: "complaint_reply"; organisationSlug: string; reference: string }
  | { kind: "unknown"; reason: string };

function normaliseDomain(domain: string): string {
  const d = domain.trim().toLowerCase();
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$|^localhost$/.test(d)) throw new RangeError(`not a mail domain: "${domain}"`);
  return d;
}

function assertSlug(slug: string): void {
  if (!SLUG_PATTERN.test(slug)) {
    throw new RangeError(`organisation slug "${slug}" cannot be an e-mail local part (use a-z, 0-9 and '-')`);
  }
}

async function threadSignature(secret: string, slug: string, reference: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`complaint-thread\u0000${slug}\u0000${reference}`)),
  );
  // Base32 of the first bytes: 5 bits per character.
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of mac) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < SIGNATURE_LENGTH) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === SIGNATURE_LENGTH) break;
  }
  return out;
}

/** Constant-time comparison of two short ASCII strings. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function organisationComplaintAddress(organisationSlug: string, domain: string): string {
  assertSlug(organisationSlug);
  return `${organisationSlug}@${normaliseDomain(domain)}`;
}

/** The Reply-To of a complaint's acknowledgement and public replies. */
export async function complaintReplyAddress(
  organisationSlug: string,
  reference: string,
  domain: string,
  secret: string,
): Promise<string> {
  assertSlug(organisationSlug);
  if (!parseComplaintReference(reference)) throw new RangeError(`not a complaint reference: "${reference}"`);
  const ref = reference.trim().toLowerCase();
  const local = `${organisationSlug}+${ref}.${await threadSignature(secret, organisationSlug, ref)}`;
  if (local.length > LOCAL_PART_MAX) {
    throw new RangeError(`reply address for "${organisationSlug}" exceeds 64 characters; shorten the organisation slug`);
  }
  return `${local}@${normaliseDomain(domain)}`;
}

/**
 * What a recipient address of an inbound message means. Unknown covers another domain, a malformed
 * local part and a forged or truncated signature; the reason is what `setReject` tells the sender.
 */
export async function parseInboundRecipient(address: string, domain: string, secret: string): Promise<InboundRecipient> {
  const clean = address.trim().toLowerCase().replace(/^<|>$/g, "");
  const at = clean.lastIndexOf("@");
  if (at < 1) return { kind: "unknown", reason: "not an e-mail address" };
  const local = clean.slice(0, at);
  if (clean.slice(at + 1) !== normaliseDomain(domain)) return { kind: "unknown", reason: "not a Feedloop mail domain" };
  const plus = local.indexOf("+");
  if (plus < 0) {
    return SLUG_PATTERN.test(local)
      ? { kind: "organisation", organisationSlug: local }
      : { kind: "unknown", reason: "no such mailbox" };
  }
  const slug = local.slice(0, plus);
  const match = /^(fl-\d{4}-\d{6,})\.([a-z2-7]+)$/.exec(local.slice(plus + 1));
  if (!SLUG_PATTERN.test(slug) || !match) return { kind: "unknown", reason: "no such mailbox" };
  const [, ref, signature] = match;
  if (!parseComplaintReference(ref) || !sameText(signature, await threadSignature(secret, slug, ref))) {
    return { kind: "unknown", reason: "this reply address is not valid; write to the organisation's complaint address instead" };
  }
  return { kind: "complaint_reply", organisationSlug: slug, reference: ref.toUpperCase() };
}
